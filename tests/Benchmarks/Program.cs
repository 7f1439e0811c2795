using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// The suite's entry point: `dotnet run -c Release --project tests/Benchmarks -- --filter '*'` runs everything;
// add `--job short` for the quick variant. Every benchmark class is found by the switcher, and every one runs with
// the memory diagnoser (the zero-allocation targets are read off its Allocated column).
var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(VerbRing.Benchmarks.ChainBenchmarks).Assembly).Run(args, config);
