using System.Diagnostics;
using VerbRing.Kernel;

namespace VerbRing.Tooling.Benchmarking;

/// <summary>
/// The few-second version of suites 1 and 2 behind <c>verbring bench</c>: the same workloads as the
/// BenchmarkDotNet suite, on every kernel asked for, each group measured back to back with its baseline. Honest
/// warm-up: every workload first runs long enough for the JIT's final tier, then each measurement is the median of
/// several samples. Allocation is counted over the whole process (kernel threads included), the least of the samples.
/// </summary>
internal sealed class QuickBench
{
    private static readonly int[] Batches = [1, 8, 64, 256];
    private readonly List<Measurement> _results = [];
    private readonly TimeSpan _sample;
    private readonly int _samples;

    /// <summary>
    /// A run whose measurements each take <paramref name="samples"/> samples of about <paramref name="sample"/>,
    /// beside <paramref name="hogs"/> busy processes (which the caller runs; the targets name them).
    /// </summary>
    public QuickBench(TimeSpan sample, int samples = 5, int hogs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(hogs);
        _sample = sample;
        _samples = samples;
        Hogs = hogs;
    }

    /// <summary>How many busy processes ran beside the measurements.</summary>
    public int Hogs { get; }

    /// <summary>What has been measured so far.</summary>
    public IReadOnlyList<Measurement> Results => _results;

    /// <summary>Measures suites 1 and 2 on <paramref name="kernels"/>, reporting each group as it finishes.</summary>
    public IReadOnlyList<Measurement> Run(BenchHost host, IReadOnlyList<KernelPlacement> kernels, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(kernels);
        WarmUp(host, KernelPlacement.InProcess, TimeSpan.FromMilliseconds(400));
        foreach (var kernel in kernels)
        {
            if (kernel != KernelPlacement.InProcess)
            {
                WarmUp(host, kernel, TimeSpan.FromMilliseconds(250));
            }

            progress?.Invoke($"{kernel}: chain");
            using (var ring = host.Open(kernel))
            {
                var chain = new ChainWorkload(ring, host.DirectNamespace(kernel));

                // The delegates exist before anything is measured: a method group converted inside a sample would
                // be a 64-byte allocation counted against the workload.
                Action direct = chain.Direct, singles = chain.SingleCalls, linked = chain.Chain, quiet = chain.SkipChain, floor = chain.Floor;
                List<(string Name, Action<int> Run)> runs = [("direct", n => Repeat(n, direct)), ("single calls", n => Repeat(n, singles)), ("chain", n => Repeat(n, linked)), ("skip chain", n => Repeat(n, quiet))];
                if (kernel == KernelPlacement.InProcess)
                {
                    runs.Add(("floor ring", n => Repeat(n, floor))); // in-process whatever the kernel: measured once
                }

                Group("chain", kernel, "chain", [.. runs]);
                chain.Verify();
                if (kernel == KernelPlacement.Server)
                {
                    progress?.Invoke($"{kernel}: handoff against the plain socket");
                    Handoff(host, chain);
                }
            }

            progress?.Invoke($"{kernel}: NOP batches");
            using (var ring = host.Open(kernel))
            {
                foreach (var batch in Batches)
                {
                    var unlinked = new NopWorkload(ring, batch, linked: false);
                    var linked = new NopWorkload(ring, batch, linked: true);
                    var rounds = Math.Max(1, 256 / batch);
                    Group($"nop x{batch}", kernel, "SQE", [("unlinked", n => unlinked.Run(n * rounds)), ("linked", n => linked.Run(n * rounds))], rounds * batch);
                }

                var five = new NopWorkload(ring, 5, linked: false);
                var fiveLinked = new NopWorkload(ring, 5, linked: true);
                Group("5 NOPs", kernel, "enter", [("unlinked", five.Run), ("linked", fiveLinked.Run)]);
            }
        }

        return _results;
    }

    /// <summary>
    /// The handoff group: the chain entered over the server's plain socket (a request and a reply, a wake-up each
    /// way — the baseline), against the same chain and its five single enters on the doorbell.
    /// </summary>
    private void Handoff(BenchHost host, ChainWorkload doorbell)
    {
        using var ring = host.OpenSocket();
        var socket = new ChainWorkload(ring, host.DirectNamespace(KernelPlacement.Server), "/bench-socket.dat");
        Action viaSocket = socket.Chain, chain = doorbell.Chain, singles = doorbell.SingleCalls;
        Group("handoff", KernelPlacement.Server, "chain", [("socket chain", n => Repeat(n, viaSocket)), ("chain", n => Repeat(n, chain)), ("single calls", n => Repeat(n, singles))]);
        socket.Verify();
        doorbell.Verify();
    }

    /// <summary>
    /// Runs the workloads on <paramref name="kernel"/> for <paramref name="duration"/> before anything is measured,
    /// so that tiered compilation (which waits ~100 ms before it starts counting calls) reaches its final code: first
    /// in-process for the interpreter, the verbs and the workloads every kernel shares, then for each other kernel's
    /// own handoff.
    /// </summary>
    private static void WarmUp(BenchHost host, KernelPlacement kernel, TimeSpan duration)
    {
        using var ring = host.Open(kernel);
        var chain = new ChainWorkload(ring, host.DirectNamespace(kernel));
        var nops = new NopWorkload(ring, 64, linked: false);
        var linked = new NopWorkload(ring, 64, linked: true);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 100; i++)
            {
                chain.Direct();
                chain.SingleCalls();
                chain.Chain();
                chain.SkipChain();
                chain.Floor();
                nops.Round();
                linked.Round();
            }
        }
    }

    /// <summary>The targets of the benchmarks issue that this run's measurements speak to.</summary>
    public IReadOnlyList<TargetResult> Targets()
    {
        var targets = new List<TargetResult>();
        if (Find("nop x64", "unlinked", KernelPlacement.InProcess) is { } nop)
        {
            targets.Add(new("in-process NOP at batch 64", "ns/SQE", nop.Nanoseconds, 10, AtMost: true));
        }

        if (Find("5 NOPs", "linked", KernelPlacement.InProcess) is { } five)
        {
            targets.Add(new("5 linked NOPs ÷ 5 unlinked (in-process)", "×", five.Ratio, 1.5, AtMost: true));
        }

        if (Find("chain", "chain", KernelPlacement.InProcess) is { } chain)
        {
            targets.Add(new("chain ÷ direct calls (in-process)", "×", chain.Ratio, 1.25, AtMost: true));
        }

        if (Find("chain", "skip chain", KernelPlacement.InProcess) is { } skip)
        {
            targets.Add(new("skip chain ÷ direct calls (in-process)", "×", skip.Ratio, 1.25, AtMost: true));

            // The same ratio against the floor ring, the least any ring costs (FloorRing): what VerbRing's own checks
            // add. docs/benchmarks.md: the floor itself is 1.5–1.7× the direct calls here. Taken from the two runs'
            // ratios to the same baseline (medians of per-round ratios), which a load burst moves less than the times.
            if (Find("chain", "floor ring", KernelPlacement.InProcess) is { } floor)
            {
                targets.Add(new("skip chain ÷ floor ring (in-process)", "×", skip.Ratio / floor.Ratio, 1.25, AtMost: true));
            }
        }

        AddSpeedUp(targets, KernelPlacement.KernelThread, 3);
        AddSpeedUp(targets, KernelPlacement.Server, 4);
        var beside = Hogs == 0 ? "idle" : $"beside {Hogs} hog{(Hogs == 1 ? "" : "s")}";
        if (Find("handoff", "chain", KernelPlacement.Server) is { } bell && Find("handoff", "single calls", KernelPlacement.Server) is { } singles)
        {
            targets.Add(new($"doorbell chain ÷ socket chain (server, {beside})", "×", bell.Ratio, 1.5, AtMost: true));
            targets.Add(new($"5 single enters ÷ socket chain (server, {beside})", "×", singles.Ratio, 5, AtMost: true));
        }
        if (Find("nop x256", "unlinked", KernelPlacement.Server) is { } server)
        {
            targets.Add(new("server batched NOPs (x256)", "M SQE/s", 1e3 / server.Nanoseconds, 20, AtMost: false));
        }

        // Zero per SQE is zero per enter: the worst ring measurement, whatever its unit, speaks for all of them.
        var steady = _results.Where(m => m.Group != "chain" || m.Name != "direct").ToList();
        if (steady.Count > 0)
        {
            targets.Add(new("allocated in steady state (worst ring measurement)", "B", steady.Max(m => m.AllocatedBytes), 0, AtMost: true));
        }

        return targets;
    }

    private void AddSpeedUp(List<TargetResult> targets, KernelPlacement kernel, double limit)
    {
        if (Find("chain", "chain", kernel) is { } chain && Find("chain", "single calls", kernel) is { } singles)
        {
            targets.Add(new($"single calls ÷ chain ({Name(kernel)})", "×", singles.Nanoseconds / chain.Nanoseconds, limit, AtMost: false));
        }
    }

    private static void Repeat(int count, Action action)
    {
        for (var i = 0; i < count; i++)
        {
            action();
        }
    }

    /// <summary>The kernel's name as the command line spells it.</summary>
    public static string Name(KernelPlacement kernel) => kernel switch
    {
        KernelPlacement.InProcess => "in-process",
        KernelPlacement.KernelThread => "kernel thread",
        _ => "server",
    };

    private Measurement? Find(string group, string name, KernelPlacement kernel) =>
        _results.FirstOrDefault(m => m.Group == group && m.Name == name && m.Kernel == kernel);

    /// <summary>
    /// Measures each of <paramref name="runs"/> (the first is the baseline): each is calibrated and warmed up, then
    /// the samples are taken round-robin — one of each run per round — so that a burst of load from elsewhere on a
    /// shared machine falls on one round of every run rather than on every sample of one run. A run's time is the
    /// median of its samples; its ratio is the median of its rounds' ratios to the baseline's sample of the same
    /// round. A run takes a repeat count and does that many units of <paramref name="unitsPerCall"/> each.
    /// </summary>
    private void Group(string group, KernelPlacement kernel, string per, (string Name, Action<int> Run)[] runs, int unitsPerCall = 1)
    {
        var repeats = runs.Select(r => Calibrate(r.Run)).ToArray();
        var samples = new double[runs.Length][];
        var bytes = new double[runs.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            samples[i] = new double[_samples];
            bytes[i] = double.MaxValue;
        }

        for (var s = 0; s < _samples; s++)
        {
            for (var i = 0; i < runs.Length; i++)
            {
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                runs[i].Run(repeats[i]);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var units = (double)repeats[i] * unitsPerCall;
                samples[i][s] = elapsed.TotalNanoseconds / units;
                bytes[i] = Math.Min(bytes[i], (GC.GetTotalAllocatedBytes(precise: true) - allocated) / units);
            }
        }

        for (var i = 0; i < runs.Length; i++)
        {
            var ratios = samples[i].Select((ns, s) => ns / samples[0][s]).ToArray();
            _results.Add(new Measurement(group, runs[i].Name, kernel, per, Median(samples[i]), bytes[i], Median(ratios)));
        }
    }

    /// <summary>
    /// Calibrates and warms up <paramref name="run"/>: doubles the repeat count until one call takes about half a
    /// sample, then keeps running until four samples' worth of time has passed; returns the repeat count.
    /// </summary>
    private int Calibrate(Action<int> run)
    {
        var repeat = 1;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var start = clock.Elapsed;
            run(repeat);
            if (clock.Elapsed - start < _sample / 2)
            {
                repeat *= 2;
            }
            else if (clock.Elapsed >= _sample * 4)
            {
                return repeat;
            }
        }
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
