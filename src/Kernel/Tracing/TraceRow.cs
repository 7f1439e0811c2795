namespace VerbRing.Kernel.Tracing;

/// <summary>One trace row, formatted: what every renderer (plain, terminal table, snapshot) shows.</summary>
/// <param name="Step">The step index.</param>
/// <param name="Verb">The verb's name.</param>
/// <param name="Arguments">The arguments after register loads, by parameter name.</param>
/// <param name="Result">The result, or "ERR".</param>
/// <param name="Errno">"OK" or the errno's name.</param>
/// <param name="Bytes">An escaped preview of the bytes READ or WRITE moved.</param>
public sealed record TraceRow(string Step, string Verb, string Arguments, string Result, string Errno, string Bytes);
