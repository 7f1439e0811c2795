using System.CommandLine;
using System.Globalization;
using VerbRing.Kernel;

namespace VerbRing.Cli;

/// <summary>The options every program command shares: the ring's shape, what it may reach, the deadline.</summary>
internal sealed class CommonOptions
{
    public Argument<string> File { get; } = new("file") { Description = "The .vr program (a regular file, or - for standard input)." };

    public Option<long> MaxProgramBytes { get; } = new Option<long>("--max-program-bytes")
    {
        Description = "Refuse a program larger than this many bytes (default 16 MiB).",
        DefaultValueFactory = _ => ProgramSource.DefaultMaxBytes,
        HelpName = "bytes",
        Validators = { result => WithinProgramLimits(result) },
    };

    public Option<uint> Sq { get; } = new Option<uint>("--sq") { Description = "SQ entries (a power of two).", DefaultValueFactory = _ => 64 };

    public Option<uint> Cq { get; } = new Option<uint>("--cq") { Description = "CQ entries (a power of two).", DefaultValueFactory = _ => 128 };

    public Option<int> Fds { get; } = new Option<int>("--fds") { Description = "Open descriptors at most.", DefaultValueFactory = _ => 64 };

    public Option<uint> Memory { get; } = new Option<uint>("--memory") { Description = "User memory in bytes.", HelpName = "bytes", DefaultValueFactory = _ => 64 * 1024 };

    /// <summary>What the ring may reach: the namespace and its policy.</summary>
    public SandboxOptions Sandbox { get; } = new();

    public Option<TimeSpan> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for completions (e.g. 10s, 500ms).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        HelpName = "duration",
        CustomParser = result => OptionParsers.ParseDuration("--timeout", result),
    };

    public Option<bool> VirtualTime { get; } = new("--virtual-time")
    {
        Description = "Run on a virtual clock that jumps to the next timer whenever nothing else can happen: timeouts and sleeps cost no real time and traces never depend on the machine's speed.",
    };

    public Option<string> Kernel { get; } = new Option<string>("--kernel")
    {
        Description = "Where the kernel runs: in-process (inside enter), kernel-thread (on a thread of its own, like SQPOLL) or server (a server in this process, across a Unix socket, as with --connect).",
        DefaultValueFactory = _ => KernelChoice.InProcess,
    }.OneOf(KernelChoice.Names);

    public Option<FileInfo?> Connect { get; } = new("--connect")
    {
        HelpName = "socket",
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
        Placement = result.GetValue(Kernel) == KernelChoice.KernelThread ? KernelPlacement.KernelThread : KernelPlacement.InProcess,
    };

    private static void WithinProgramLimits(System.CommandLine.Parsing.OptionResult result)
    {
        if (result.GetValueOrDefault<long>() is < 0 or > ProgramSource.LargestMaxBytes)
        {
            result.AddError($"--max-program-bytes is a number of bytes from 0 to {ProgramSource.LargestMaxBytes} (512 MiB).");
        }
    }
}
