using System.Text.Json;
using VerbRing.Cli;
using VerbRing.Tests.Infrastructure;
using VerbRing.Tooling.Fuzzing;

namespace VerbRing.Tests.Fuzzing;

/// <summary><c>verbring fuzz</c>: what it prints, its exit codes, and the command it gives to reproduce a failure.</summary>
public sealed class FuzzCliTests
{
    [Fact]
    public void Fuzz_FixedSeedAndSqeBudget_ExitsZeroAndPrintsTheSeed()
    {
        var result = CliRunner.Run("fuzz", "--sqes", "5000", "--start-seed", "7");

        result.ExitCode.ShouldBe(0, result.Out + result.Error);
        result.Out.ShouldContain("seed 7");
        result.Out.ShouldContain("in-process");
        result.Out.ShouldContain("escape attempts:");
        result.Out.ShouldContain("failures: 0");
    }

    [Fact]
    public void Fuzz_Json_IsOneObject()
    {
        var result = CliRunner.Run("fuzz", "--rounds", "2", "--start-seed", "7", "--kernel", "kernel-thread", "--json");

        result.ExitCode.ShouldBe(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("seed").GetInt32().ShouldBe(7);
        json.RootElement.GetProperty("rounds").GetInt32().ShouldBe(2);
        json.RootElement.GetProperty("kernels").EnumerateArray().ShouldHaveSingleItem().GetProperty("kernel").GetString().ShouldBe("kernel-thread");
        json.RootElement.GetProperty("failures").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("--seconds", "-1", "--seconds must be a positive number")]
    [InlineData("--seconds", "0", "--seconds must be a positive number")]
    [InlineData("--sqes", "0", "--sqes must be positive")]
    [InlineData("--rounds", "-3", "--rounds must be positive")]
    [InlineData("--dir", "/no/such/folder", "no such folder")]
    [InlineData("--kernel", "quantum", "quantum")]
    [InlineData("--start-seed", "many", "--start-seed many: write a whole number")]
    [InlineData("--seed", "7", "fuzz --seed is now --start-seed")]
    public void Fuzz_BadInput_ExitsOneWithAClearMessage(string option, string value, string message)
    {
        var result = CliRunner.Run("fuzz", option, value);

        result.ExitCode.ShouldBe(CliApp.BadUsage);
        result.Error.ShouldContain(message);
        result.Out.ShouldNotContain("failures");
    }

    [Fact]
    public void Fuzz_AFailingRound_ExitsFourAndSaysHowToReproduceIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var options = new FuzzOptions { Seed = 44, MaxRounds = 1, Fault = FuzzFault.TouchDecoy };

        var code = FuzzCommand.Run(new CliConsole(output, error, Plain: true), options, seconds: null, json: false);

        code.ShouldBe(CliApp.CheckFailed);
        output.ToString().ShouldContain("FAILED round seed 44 (server): ");
        output.ToString().ShouldContain("  reproduce: verbring fuzz --start-seed 44 --rounds 1");
        output.ToString().ShouldContain("failures: 1");
    }
}
