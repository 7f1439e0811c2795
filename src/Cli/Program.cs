using System.CommandLine;
using VerbRing.Cli;

// The verbring tool: with no command it runs the design card's chain as a demo.
var root = new RootCommand("VerbRing: programmable, register-linked I/O rings (a model of PatchworkOS's ring).");
var demo = DemoCommand.Create();
root.Subcommands.Add(demo);
root.SetAction(result => DemoCommand.Run(Console.Out));
return root.Parse(args).Invoke();
