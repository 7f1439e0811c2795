namespace VerbRing.Tooling.Fuzzing;

/// <summary>Where a fuzz run is, handed to the progress callback about once a second.</summary>
/// <param name="Rounds">Rounds finished.</param>
/// <param name="Sqes">SQEs consumed so far.</param>
/// <param name="Failures">Failing rounds so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
internal sealed record FuzzProgress(int Rounds, long Sqes, int Failures, TimeSpan Elapsed);
