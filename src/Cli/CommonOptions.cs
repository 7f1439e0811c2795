using System.CommandLine;
using System.Globalization;
using VerbRing.Kernel;

namespace VerbRing.Cli;

/// <summary>The options every program command shares: the ring's shape, what it may reach, the deadline.</summary>
internal sealed class CommonOptions
{
    public Argument<string> File { get; } = new("file") { Description = "The .vr program (a regular file, or - for standard input)." };

    public Option<long> MaxProgramBytes { get; } = new("--max-program-bytes")
    {
        Description = "Refuse a program larger than this many bytes (default 16 MiB).",
        DefaultValueFactory = _ => ProgramSource.DefaultMaxBytes,
        HelpName = "bytes",
        Validators = { result => WithinProgramLimits(result) },
    };

    public Option<uint> Sq { get; } = new("--sq") { Description = "SQ entries (a power of two).", DefaultValueFactory = _ => 64 };

    public Option<uint> Cq { get; } = new("--cq") { Description = "CQ entries (a power of two).", DefaultValueFactory = _ => 128 };

    public Option<int> Fds { get; } = new("--fds") { Description = "Open descriptors at most.", DefaultValueFactory = _ => 64 };

    public Option<uint> Memory { get; } = new("--memory") { Description = "User memory in bytes.", DefaultValueFactory = _ => 64 * 1024 };

    /// <summary>What the ring may reach: the namespace and its policy.</summary>
    public SandboxOptions Sandbox { get; } = new();

    public Option<TimeSpan> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for completions (e.g. 10s, 500ms).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        HelpName = "duration",
        CustomParser = result => ParseDuration(result.Tokens.Single().Value, result),
    };

    public Option<bool> VirtualTime { get; } = new("--virtual-time")
    {
        Description = "Run on a virtual clock that jumps to the next timer whenever nothing else can happen: timeouts and sleeps cost no real time and traces never depend on the machine's speed.",
    };

    public Option<KernelPlacement> Kernel { get; } = new("--kernel")
    {
        Description = "Where the kernel runs: InProcess (inside enter) or KernelThread (on a thread of its own, like SQPOLL).",
        DefaultValueFactory = _ => KernelPlacement.InProcess,
    };

    public Option<FileInfo?> Connect { get; } = new("--connect")
    {
        Description = "Run on the kernel of a 'verbring serve' at this Unix socket instead of in this process (the namespace, the policy, --kernel and --virtual-time are the server's business then).",
    };

    public void AddTo(Command command, bool ringShape = true, bool run = false)
    {
        command.Arguments.Add(File);
        command.Options.Add(MaxProgramBytes);
        if (ringShape)
        {
            command.Options.Add(Sq);
            command.Options.Add(Memory);
        }

        if (run)
        {
            command.Options.Add(Cq);
            command.Options.Add(Fds);
            Sandbox.AddTo(command);
            command.Options.Add(Timeout);
            command.Options.Add(VirtualTime);
            command.Options.Add(Kernel);
            command.Options.Add(Connect);
        }
    }

    public RingOptions RingOptions(ParseResult result) => new()
    {
        SqEntries = result.GetValue(Sq),
        CqEntries = result.GetValue(Cq),
        MaxDescriptors = result.GetValue(Fds),
        UserMemorySize = result.GetValue(Memory),
        EnterTimeout = result.GetValue(Timeout),
        Placement = result.GetValue(Kernel),
    };

    private static void WithinProgramLimits(System.CommandLine.Parsing.OptionResult result)
    {
        if (result.GetValueOrDefault<long>() is < 0 or > ProgramSource.LargestMaxBytes)
        {
            result.AddError($"--max-program-bytes is a number of bytes from 0 to {ProgramSource.LargestMaxBytes} (512 MiB).");
        }
    }

    private static TimeSpan ParseDuration(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("s", 1) };
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        result.AddError($"'{text}' is not a duration: write a number with s, ms, us or ns (e.g. 10s).");
        return default;
    }
}
