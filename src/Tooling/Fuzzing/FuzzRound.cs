using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using VerbRing.Kernel;
using VerbRing.Kernel.Namespaces;
using VerbRing.Registers;
using VerbRing.Verbs;
using VerbRing.Verbs.Time;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// One fuzz round, everything decided by its seed: the kernel (seed mod 3), the ring's small limits, a fresh
/// sandbox, random registers, then 30–180 steps — user space writes registers, the manual clock moves, a batch of
/// 1–32 random SQEs is pushed and entered — each followed by every check (<see cref="Settle"/>). Now and then,
/// and at the end, everything outstanding is cancelled and drained; some rounds instead tear the ring down with
/// work in flight. Teardown must leave no descriptor, pipe, timer or host handle, and the decoy untouched.
/// </summary>
internal sealed partial class FuzzRound
{
    private const long MaxFileSize = 1 << 20;

    private HostNamespace[] _folders = [];
    private readonly int _seed;
    private readonly KernelPlacement _kernel;
    private readonly Random _random;
    private readonly FuzzSandbox _sandbox;
    private readonly FuzzPaths _paths;
    private readonly FuzzFault _fault;
    private readonly ManualClock _clock = new();
    private readonly HashSet<Errno> _errnos = [];
    private readonly ulong[] _before = new ulong[RegisterFile.Count];
    private readonly bool[] _mayChange = new bool[RegisterFile.Count];
    private readonly RingOptions _options;
    private FuzzRing _ring = null!;
    private CompletionOracle _oracle = null!;
    private SqeGenerator _generator = null!;
    private string _baseline = "";
    private long _sqes;
    private long _enters;
    private long _escapes;
    private bool _faultDone;

    private FuzzRound(int seed, FuzzSandbox sandbox, FuzzPaths paths, FuzzFault fault)
    {
        _seed = seed;
        _kernel = KernelOf(seed);
        _random = new Random(seed);
        _sandbox = sandbox;
        _paths = paths;
        _fault = fault;
        _options = RandomOptions(_random);
    }

    /// <summary>
    /// Whether this round races its OPENs against a folder swapped with a link out (one round in four on every
    /// kernel; chosen from the seed, not the round's random stream, so the other rounds stay as they were).
    /// </summary>
    private bool SwapsFolders => (uint)_seed / 3 % 4 == 0;

    /// <summary>The kernel a round seed runs on.</summary>
    public static KernelPlacement KernelOf(int seed) => (KernelPlacement)(uint)(((seed % 3) + 3) % 3);

    /// <summary>Runs the round of <paramref name="seed"/> and every check; never throws for what the kernel does.</summary>
    public static RoundResult Run(int seed, FuzzSandbox sandbox, FuzzPaths paths, FuzzFault fault)
    {
        var round = new FuzzRound(seed, sandbox, paths, fault);
        var clock = Stopwatch.StartNew();
        var failure = round.RunChecked();
        return new RoundResult(seed, round._kernel, round._sqes, round._enters, round._errnos, round._escapes, failure, clock.Elapsed);
    }

    /// <summary>
    /// The namespace a round's rings resolve paths in: a mount table with the sandbox folder at "/", a fresh memory
    /// namespace at "/mem", the sandbox's "sub" folder read-only at "/ro" and its "b" folder hidden at "/hidden".
    /// </summary>
    private MountNamespace CreateNamespace(string sandboxPath)
    {
        _folders =
        [
            new HostNamespace(sandboxPath, maxFileSize: MaxFileSize),
            new HostNamespace(Path.Combine(sandboxPath, "sub"), maxFileSize: MaxFileSize),
            new HostNamespace(Path.Combine(sandboxPath, "b"), maxFileSize: MaxFileSize),
        ];
        return new(
        [
            new Mount("/", _folders[0]),
            new Mount("/mem", new MemoryNamespace(MaxFileSize)),
            new Mount("/ro", _folders[1], MountAccess.ReadOnly),
            new Mount("/hidden", _folders[2], MountAccess.Hidden),
        ]);
    }

    /// <summary>Closes the host folders' own descriptors, so that any host handle left after it is a leak.</summary>
    private string? CloseFolders()
    {
        foreach (var folder in _folders)
        {
            folder.Dispose();
        }

        return null;
    }

    /// <summary>
    /// A round's ring policy: most rounds may use every verb; some have a random few denied (never CANCEL, which the
    /// fuzzer's own drain needs) and "/mem" read-only for that ring alone.
    /// </summary>
    private static RingPolicy RandomPolicy(Random random)
    {
        if (random.Next(4) != 0)
        {
            return RingPolicy.Unrestricted;
        }

        var allowed = Enum.GetValues<Op>().Where(op => op == Op.Cancel || random.Next(5) != 0).Select(op => (uint)op).ToHashSet();
        var mounts = random.Next(2) == 0
            ? new Dictionary<string, MountAccess> { ["/mem"] = MountAccess.ReadOnly }
            : new Dictionary<string, MountAccess>();
        return new RingPolicy { AllowedVerbs = allowed, Mounts = mounts };
    }

    private static RingOptions RandomOptions(Random random)
    {
        var tight = random.Next(5) == 0; // a small limit on waiting operations: verbs that would pend complete with EAGAIN
        return new RingOptions
        {
            SqEntries = random.Next(4) == 0 ? 16u : 32u,
            CqEntries = (uint)(4 << random.Next(5)), // 4–64: the small ones keep the backlog and EBUSY busy
            MaxDescriptors = random.Next(2) == 0 ? 4 : 8,
            MaxInFlight = tight ? 4 << random.Next(3) : random.Next(64, 129),
            PipeCapacity = random.Next(3) == 0 ? 16 : 64,
            UserMemorySize = FuzzPaths.UserMemory,
            Policy = RandomPolicy(random),
        };
    }

#pragma warning disable CA1031 // The fuzzer's job: any exception out of a kernel is a finding, reported with its seed.
    private string? RunChecked()
    {
        SafeFileHandle? leaked = null;
        string? failure;
        try
        {
            _baseline = _sandbox.Reset();
            if (_fault == FuzzFault.LeakHandle)
            {
                leaked = File.OpenHandle(Path.Combine(_sandbox.SandboxPath, "a.txt"));
            }

            var factory = RingFactory.CreateDefault(fileSystem: CreateNamespace(_sandbox.SandboxPath), time: _clock);
            _ring = FuzzRing.Create(_kernel, factory, _options, _sandbox.SocketFolder);
            using (SwapsFolders ? _sandbox.Swap() : null)
            {
                failure = Body();
            }

            failure ??= _ring.TearDown(_clock) ?? CloseFolders() ?? CheckAfterTeardown();
        }
        catch (Exception e)
        {
            failure = $"exception after enter #{_enters}: {e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n')[0].Trim()}";
        }
        finally
        {
            try
            {
                _ring?.Dispose();
            }
            catch (Exception)
            {
                // Already failing: the first failure is the one to report.
            }

            leaked?.Dispose();
            CloseFolders();
        }

        return failure;
    }
#pragma warning restore CA1031

    private string? Body()
    {
        var ring = _ring.Ring;
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            _before[r] = _random.Next(3) == 0 ? 0 : (ulong)_random.NextInt64();
            ring.Registers[r] = _before[r];
        }

        var dataBase = _random.Next(4) == 0 ? ulong.MaxValue - (ulong)_random.Next(2000) : (ulong)_random.NextInt64();
        _oracle = new CompletionOracle(dataBase, _before);
        _generator = new SqeGenerator(_random, _paths, _options.MaxDescriptors);
        var limit = _options.MaxInFlight - (int)_options.SqEntries - 8;
        var threshold = limit >= 8 ? limit : _options.MaxInFlight / 2;
        var steps = _random.Next(30, 181);
        for (var step = 0; step < steps; step++)
        {
            if (Step() is { } failure)
            {
                return $"step {step}: {failure}";
            }

            if ((_oracle.Outstanding > threshold || _random.Next(30) == 0) && Drain() is { } stuck)
            {
                return $"step {step}, draining: {stuck}";
            }

            if (_wedged)
            {
                return null; // every slot pends and nothing can free one: user space can only tear down
            }
        }

        // Some rounds tear the ring down with work in flight: teardown cancels it, and no CQE is there to see. A
        // fault-injected round always drains, so that the fault surfaces.
        if (_random.Next(8) == 0 && _fault == FuzzFault.None)
        {
            return null;
        }

        return Drain() ?? (_wedged ? null : _oracle.CheckAllCompleted());
    }

    private string? Step()
    {
        var ring = _ring.Ring;
        WriteSomeRegisters(ring);
        if (_random.Next(3) == 0 && Advance() is { } failure)
        {
            return failure;
        }

        var batch = Math.Min(_random.Next(1, 33), (int)ring.SqSpace);
        for (var i = 0; i < batch; i++)
        {
            ring.Push(_oracle.Push(_generator.Next(_oracle.NextData)));
        }

        var amount = _random.Next(20) switch
        {
            0 => 0u,
            1 or 2 => uint.MaxValue,
            3 or 4 => (uint)_random.Next(1, (int)ring.SqPending + 1),
            _ => ring.SqPending,
        };
        return Enter(amount);
    }

    /// <summary>
    /// User space writes registers now and then: any register with no saver outstanding, and while no completion
    /// can be waiting in the kernel's backlog, also one a pending SQE will save into (its save comes later).
    /// </summary>
    private void WriteSomeRegisters(IoRing ring)
    {
        if (_random.Next(4) != 0)
        {
            return;
        }

        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            var r = _random.Next(RegisterFile.Count);
            if (!_oracle.HasSaver(r) || !_backlogPossible)
            {
                var value = _generator.RegisterValue();
                ring.Registers[r] = value;
                _oracle.UserWrote(r, value);
            }
        }
    }

    private string? Advance()
    {
        var roll = _random.Next(10);
        return AdvanceClock(roll < 7 ? TimeSpan.FromMicroseconds(_random.Next(20_000)) : roll < 9 ? TimeSpan.FromMilliseconds(_random.Next(20, 200)) : null);
    }

    private string? CheckAfterTeardown()
    {
        if (_sandbox.FindOpenHandles() is { Count: > 0 } handles)
        {
            return $"host handles still open after teardown: {string.Join(", ", handles.Take(4))}";
        }

        return _sandbox.HashOutside() != _baseline ? "something outside the sandbox changed (during teardown)" : null;
    }

    /// <summary>The injected fault, once, at the second enter's checks.</summary>
    private void InjectFault()
    {
        if (_faultDone || _enters < 2)
        {
            return;
        }

        switch (_fault)
        {
            case FuzzFault.WriteRegister:
                var quiet = Enumerable.Range(0, RegisterFile.Count).FirstOrDefault(r => !_oracle.HasSaver(r), -1);
                if (quiet >= 0)
                {
                    _ring.Ring.Registers[quiet] ^= 0x5A5A; // a register no SQE saves into: as a stray kernel write would
                    _faultDone = true;
                }

                break;
            case FuzzFault.TouchDecoy:
                File.AppendAllText(Path.Combine(_sandbox.DecoyPath, "secret"), "!");
                _faultDone = true;
                break;
            case FuzzFault.Throw:
                _faultDone = true;
                throw new InvalidOperationException("injected fault");
        }
    }
}
