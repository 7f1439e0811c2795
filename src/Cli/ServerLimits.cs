using System.CommandLine;
using VerbRing.Kernel.Server;
using VerbRing.Registers;

namespace VerbRing.Cli;

/// <summary>
/// <c>serve</c>'s limits on what one client may ask for: <c>--max-user-memory</c> (default 16M), past which setup is
/// refused with EINVAL and the limit, which <c>run --connect</c> prints as one line naming it.
/// </summary>
internal sealed class ServerLimits
{
    private static readonly uint DefaultMaxUserMemory = new RingServerOptions().MaxUserMemory;

    public Option<string> MaxUserMemory { get; } = new("--max-user-memory")
    {
        Description = $"The most user memory one client's ring may have; a client asking for more is refused (EINVAL), told this limit. A number of bytes, or with K, M or G, up to {RingLayout.MaxUserMemory >> 20}M.",
        HelpName = "bytes",
        DefaultValueFactory = _ => $"{DefaultMaxUserMemory >> 20}M",
        Validators =
        {
            result =>
            {
                if (result.Tokens.Count > 0 && result.Tokens[^1].Value is var text && !TryParse(text, out _))
                {
                    result.AddError($"--max-user-memory {(text.Length == 0 ? "''" : text)}: write a number of bytes from 1 to {RingLayout.MaxUserMemory >> 20}M, optionally with K, M or G (like 64M)");
                }
            },
        },
    };

    public void AddTo(Command command) => command.Options.Add(MaxUserMemory);

    /// <summary><paramref name="options"/> with the limits given on the command line (already validated).</summary>
    public RingServerOptions Apply(ParseResult result, RingServerOptions options) =>
        TryParse(result.GetValue(MaxUserMemory) ?? "", out var bytes) ? options with { MaxUserMemory = bytes } : options;

    private static bool TryParse(string text, out uint bytes)
    {
        var ok = SandboxOptions.TryParseBytes(text, out var value) && value is > 0 and <= RingLayout.MaxUserMemory;
        bytes = ok ? (uint)value : 0;
        return ok;
    }
}
