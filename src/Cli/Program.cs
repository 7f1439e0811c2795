// The verbring tool's entry point; everything else is in CliApp.
return VerbRing.Cli.CliApp.Run(args, Console.Out, Console.Error);
