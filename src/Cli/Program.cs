using VerbRing.Tooling;

// The verbring tool's entry point; everything else is in CliApp.
// `serve` hands out memory: its runtime must start with .NET's diagnostic port closed, or any process of its user
// could load code into it (DiagnosticsPort). It restarts itself in place, once, to get that — unless told
// `--diagnostics`, the development opt-in that keeps the port open for dotnet-counters (spec/transport.md).
if (args is ["serve", ..] && !args.Contains("--diagnostics") && !VerbRing.Tooling.DiagnosticsPort.IsClosed)
{
    Console.Error.WriteLine($"verbring: {VerbRing.Tooling.DiagnosticsPort.RestartClosed()}");
    return 1;
}

return VerbRing.Cli.CliApp.Run(args, Console.Out, Console.Error);
