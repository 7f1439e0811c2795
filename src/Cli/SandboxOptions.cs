using System.CommandLine;
using VerbRing.Kernel;
using VerbRing.Kernel.Interpreter;
using VerbRing.Kernel.Namespaces;

namespace VerbRing.Cli;

/// <summary>
/// The options that say what a ring may reach, shared by <c>run</c> and <c>serve</c>: the namespace (<c>--seed</c>
/// for the in-memory one, <c>--fs</c> for a host folder as "/", <c>--mount</c> for more) and the ring's policy
/// (<c>--allow</c>, <c>--deny</c>). Each builder prints a clear message and answers false on bad input.
/// </summary>
internal sealed class SandboxOptions
{
    public Option<DirectoryInfo?> Seed { get; } = new("--seed") { Description = "Copy this host folder's files into the in-memory namespace first.", HelpName = "DIR" };

    public Option<DirectoryInfo?> Fs { get; } = new("--fs")
    {
        HelpName = "DIR",
        Description = "Use this host folder as / instead of the in-memory namespace: real files, and no path leaves the folder (EACCES).",
    };

    public Option<string[]> Mount { get; } = new("--mount")
    {
        Description = "Mount a host folder at a path: /data=DIR, /data=DIR,ro (read-only: writes are EACCES) or /data=DIR,hidden (EACCES). Repeatable.",
        HelpName = "path=DIR[,ro|,hidden]",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Allow { get; } = new("--allow")
    {
        Description = "Allow only these verbs (comma-separated, e.g. open,read,close); any other completes with EPERM.",
        HelpName = "verbs",
    };

    public Option<string[]> Deny { get; } = new("--deny")
    {
        Description = "Forbid these verbs (comma-separated, e.g. write,fsync): they complete with EPERM.",
        HelpName = "verbs",
    };

    public Option<string?> MaxHostBytes { get; } = new("--max-host-bytes")
    {
        Description = "The most bytes the ring (with serve: all clients together) may add to host files; a WRITE past it writes what is left and fails with ENOSPC. A number, or with K, M or G.",
        HelpName = "bytes",
    };

    /// <summary>Whether any option here was given (they mean nothing for a ring on someone else's server).</summary>
    public bool AnyGiven(ParseResult result) =>
        result.GetValue(Seed) is not null || result.GetValue(Fs) is not null
        || result.GetValue(Mount) is { Length: > 0 } || result.GetValue(Allow) is { Length: > 0 } || result.GetValue(Deny) is { Length: > 0 }
        || result.GetValue(MaxHostBytes) is not null;

    public void AddTo(Command command)
    {
        command.Options.Add(Seed);
        command.Options.Add(Fs);
        command.Options.Add(Mount);
        command.Options.Add(Allow);
        command.Options.Add(Deny);
        command.Options.Add(MaxHostBytes);
    }

    /// <summary>The namespace the options describe: memory or a host folder at "/", plus every mount.</summary>
    public bool TryBuildNamespace(ParseResult result, CliConsole console, out INamespace files)
    {
        files = null!;
        INamespace root;
        if (result.GetValue(Fs) is { } folder)
        {
            if (!folder.Exists || result.GetValue(Seed) is not null)
            {
                console.Error.WriteLine(folder.Exists ? "verbring: --fs and --seed do not go together: --fs serves the folder as it is" : $"verbring: --fs {folder}: no such folder");
                return false;
            }

            if (Serve(folder.FullName, "--fs", console) is not { } served)
            {
                return false;
            }

            root = served;
        }
        else
        {
            var memory = new MemoryNamespace();
            if (!ProgramFiles.TrySeed(memory, result.GetValue(Seed), console))
            {
                return false;
            }

            root = memory;
        }

        var mounts = new List<Mount> { new("/", root) };
        foreach (var text in result.GetValue(Mount) ?? [])
        {
            if (ParseMount(text, console) is not { } mount)
            {
                return false;
            }

            mounts.Add(mount);
        }

        try
        {
            files = mounts.Count == 1 ? root : new MountNamespace(mounts);
            return true;
        }
        catch (ArgumentException e)
        {
            console.Error.WriteLine($"verbring: --mount: {e.Message.Split(" (Parameter", 2)[0]}");
            return false;
        }
    }

    /// <summary>The ring policy the options describe, with verb names looked up in <paramref name="verbs"/>.</summary>
    public bool TryBuildPolicy(ParseResult result, VerbTable verbs, CliConsole console, out RingPolicy policy)
    {
        policy = RingPolicy.Unrestricted;
        HostBytesBudget? budget = null;
        if (result.GetValue(MaxHostBytes) is { } text)
        {
            if (!TryParseBytes(text, out var bytes))
            {
                console.Error.WriteLine($"verbring: --max-host-bytes {text}: write a number of bytes, optionally with K, M or G (like 64M)");
                return false;
            }

            budget = new HostBytesBudget(bytes);
            policy = new RingPolicy { HostBytes = budget };
        }

        var allow = result.GetValue(Allow) ?? [];
        var deny = result.GetValue(Deny) ?? [];
        if (allow.Length == 0 && deny.Length == 0)
        {
            return true;
        }

        // --allow '' would allow nothing: surely a mistake (an empty variable), so it is one. --deny '' denies nothing.
        if (allow.Length > 0 && allow.All(l => string.IsNullOrWhiteSpace(l.Replace(',', ' '))))
        {
            console.Error.WriteLine("verbring: --allow names no verb: write verbs separated by commas (e.g. --allow open,read,close)");
            return false;
        }

        if (!TryLookUp(allow, "--allow", verbs, console, out var only) || !TryLookUp(deny, "--deny", verbs, console, out var denied))
        {
            return false;
        }

        if (only.Intersect(denied).Select(op => verbs.Handlers.First(h => h.Op == op).Name.ToLowerInvariant()).ToList() is { Count: > 0 } both)
        {
            console.Error.WriteLine($"verbring: --allow and --deny both name {string.Join(", ", both)}: name each verb in one of them");
            return false;
        }

        var allowed = verbs.Handlers.Select(h => h.Op).ToHashSet();
        if (allow.Length > 0)
        {
            allowed.IntersectWith(only);
        }

        allowed.ExceptWith(denied);
        policy = new RingPolicy { AllowedVerbs = allowed, HostBytes = budget };
        return true;
    }

    /// <summary>A byte count: digits, then K, M or G (powers of 1024) at most once.</summary>
    internal static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var shift = text.Length > 0 ? char.ToUpperInvariant(text[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 } : 0;
        var digits = shift == 0 ? text : text[..^1];
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = value << shift;
        return true;
    }

    /// <summary>A host folder served as a namespace, or null after one line saying why it cannot be.</summary>
    private static HostNamespace? Serve(string folder, string option, CliConsole console)
    {
        try
        {
            return new HostNamespace(folder);
        }
        catch (DirectoryNotFoundException e)
        {
            console.Error.WriteLine($"verbring: {option} {folder}: {e.Message}");
            return null;
        }
    }

    private static Mount? ParseMount(string text, CliConsole console)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            console.Error.WriteLine($"verbring: --mount {text}: write it as /path=DIR, /path=DIR,ro or /path=DIR,hidden");
            return null;
        }

        var path = text[..equals];
        var folder = text[(equals + 1)..];
        var access = MountAccess.ReadWrite;
        var comma = folder.LastIndexOf(',');
        if (comma >= 0 && folder[(comma + 1)..] is "ro" or "hidden" or "rw")
        {
            access = folder[(comma + 1)..] switch { "ro" => MountAccess.ReadOnly, "hidden" => MountAccess.Hidden, _ => MountAccess.ReadWrite };
            folder = folder[..comma];
        }

        if (path == "/")
        {
            console.Error.WriteLine($"verbring: --mount {text}: / is the root namespace; use --fs DIR to serve a host folder there");
            return null;
        }

        if (!Directory.Exists(folder))
        {
            console.Error.WriteLine($"verbring: --mount {text}: {folder}: no such folder");
            return null;
        }

        return Serve(folder, "--mount", console) is { } served ? new Mount(path, served, access) : null;
    }

    private static bool TryLookUp(string[] lists, string option, VerbTable verbs, CliConsole console, out HashSet<uint> ops)
    {
        ops = [];
        foreach (var name in lists.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (verbs.Handlers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)) is not { } handler)
            {
                var known = string.Join(", ", verbs.Handlers.Select(h => h.Name.ToLowerInvariant()));
                console.Error.WriteLine($"verbring: {option}: no verb '{name}' (verbs: {known})");
                return false;
            }

            ops.Add(handler.Op);
        }

        return true;
    }
}
