using VerbRing.Tooling.Fuzzing;

namespace VerbRing.Tests.Fuzzing;

/// <summary>
/// The fuzzer's checks can fail: a fault injected on purpose after the second enter — a lost CQE, a register
/// written behind the oracle's back, a touched decoy, a leaked host handle, an exception — is reported as a failure
/// of that round, with its seed, on every kernel.
/// </summary>
public sealed class FaultInjectionTests
{
    public static TheoryData<string, int, string> Faults()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var seed in new[] { 42, 43, 44 }) // in-process, kernel thread, server
        {
            data.Add(nameof(FuzzFault.DropCqe), seed, "user space awaits|before its linked predecessor"); // a lost CQE shows as one or the other
            data.Add(nameof(FuzzFault.WriteRegister), seed, @"r\d (changed from \w+ to \w+, but no SQE saving into|is \w+, but the last completed save)");
            data.Add(nameof(FuzzFault.TouchDecoy), seed, "something outside the sandbox changed");
            data.Add(nameof(FuzzFault.LeakHandle), seed, "host handles still open after teardown");
            data.Add(nameof(FuzzFault.Throw), seed, "exception after enter #2: InvalidOperationException: injected fault");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void Run_InjectedFault_IsReportedWithItsSeed(string fault, int seed, string pattern)
    {
        var report = Fuzzer.Run(new FuzzOptions { Seed = seed, MaxRounds = 1, Fault = Enum.Parse<FuzzFault>(fault) });

        var failure = report.Failures.ShouldHaveSingleItem();
        failure.RoundSeed.ShouldBe(seed);
        failure.Kernel.ShouldBe(FuzzRound.KernelOf(seed));
        failure.Message.ShouldMatch(pattern);
        Fuzzer.ReproduceCommand(failure).ShouldBe($"verbring fuzz --start-seed {seed} --rounds 1");
    }

    [Fact]
    public void Run_WithoutAFault_ThoseSeedsPass()
    {
        Fuzzer.Run(new FuzzOptions { Seed = 42, MaxRounds = 3 }).Failures.ShouldBeEmpty();
    }
}
