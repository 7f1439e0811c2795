using VerbRing.Kernel;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tests.Infrastructure;

/// <summary>A custom verb (op 100): adds arg0 and arg1. Shows that a verb with a new op code plugs in.</summary>
public sealed class AddVerb : IVerbHandler
{
    public const uint Code = 100;

    public uint Op => Code;

    public string Name => "ADD";

    public VerbResult Execute(in VerbCall call) => VerbResult.Ok(call.Arg0 + call.Arg1);
}

/// <summary>A verb (op 101) that calls enter on its own ring from inside the kernel, and records what it got.</summary>
public sealed class ReenterVerb : IVerbHandler
{
    public const uint Code = 101;

    public IoRing? Ring { get; set; }

    public EnterResult? Observed { get; private set; }

    public uint Op => Code;

    public string Name => "REENTER";

    public VerbResult Execute(in VerbCall call)
    {
        Observed = Ring!.Enter(1, 0);
        return VerbResult.Ok(0);
    }
}

/// <summary>A verb (op 102) that scribbles over the whole SQ while it runs, as hostile user space could.</summary>
public sealed unsafe class ScribbleVerb : IVerbHandler
{
    public const uint Code = 102;

    public IoRing? Ring { get; set; }

    public uint Op => Code;

    public string Name => "SCRIBBLE";

    public VerbResult Execute(in VerbCall call)
    {
        var layout = Ring!.Layout;
        new Span<byte>(Ring.Region.Pointer + RingLayout.SqOffset, (int)(layout.SqEntries * Sqe.Size)).Fill(0xA5);
        return VerbResult.Ok(0);
    }
}

/// <summary>A verb (op 103) with a bug: it throws. The kernel must turn that into EIO and lose nothing.</summary>
public sealed class ThrowingVerb : IVerbHandler
{
    public const uint Code = 103;

    public uint Op => Code;

    public string Name => "THROW";

    public VerbResult Execute(in VerbCall call) => throw new InvalidOperationException("a custom verb's bug");
}

/// <summary>A verb that blocks the kernel running it until released: a server that stops answering.</summary>
public sealed class HangVerb : IVerbHandler, IDisposable
{
    public const uint Code = 104;

    private readonly ManualResetEventSlim _released = new(false);
    private readonly ManualResetEventSlim _running = new(false);

    public uint Op => Code;

    public string Name => "HANG";

    public VerbResult Execute(in VerbCall call)
    {
        _running.Set();
        _released.Wait();
        return VerbResult.Ok(0);
    }

    /// <summary>Blocks until a call is running (blocked in the verb) or <paramref name="limit"/> passes; returns whether one is.</summary>
    public bool WaitUntilRunning(TimeSpan limit) => _running.Wait(limit);

    /// <summary>Lets every blocked call return.</summary>
    public void Release() => _released.Set();

    public void Dispose()
    {
        Release();
        _released.Dispose();
        _running.Dispose();
    }
}

/// <summary>
/// A verb (op 105) that disposes <see cref="Target"/> — its own ring, its kernel, its server — from inside the kernel
/// running it, twice (Dispose is idempotent there too), and counts the runs whose Dispose calls returned.
/// </summary>
public sealed class DisposeVerb : IVerbHandler
{
    public const uint Code = 105;

    private int _returned;

    public IDisposable? Target { get; set; }

    /// <summary>Runs whose two Dispose calls returned (a hang never gets here).</summary>
    public int Returned => Volatile.Read(ref _returned);

    public uint Op => Code;

    public string Name => "DISPOSE";

    public VerbResult Execute(in VerbCall call)
    {
        Target!.Dispose();
        Target.Dispose();
        Interlocked.Increment(ref _returned);
        return VerbResult.Ok(7);
    }
}

/// <summary>An observer that records each finished operation's data and errno, and can dispose something when it sees one.</summary>
public sealed class CompletionLog : IRingObserver
{
    private readonly List<(ulong Data, Errno Error)> _seen = [];

    /// <summary>Disposed (from inside the kernel) when the operation with <see cref="DisposeOnData"/> finishes.</summary>
    public IDisposable? Target { get; set; }

    public ulong? DisposeOnData { get; set; }

    /// <summary>After that Dispose, throw (an observer with a bug): the teardown must still follow.</summary>
    public bool ThrowAfterDispose { get; set; }

    /// <summary>Every finished operation so far, in completion order.</summary>
    public IReadOnlyList<(ulong Data, Errno Error)> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public void OnCompleted(in TracedOperation operation)
    {
        lock (_seen)
        {
            _seen.Add((operation.Data, operation.Error));
        }

        if (operation.Data == DisposeOnData)
        {
            Target!.Dispose();
            if (ThrowAfterDispose)
            {
                throw new InvalidOperationException("an observer's bug, after it disposed the ring");
            }
        }
    }
}
