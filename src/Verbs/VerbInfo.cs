namespace VerbRing.Verbs;

/// <summary>A verb as programs name it: op code, name, parameters in their fixed order.</summary>
/// <param name="Op">The op code.</param>
/// <param name="Name">The name, lower case in programs, upper case in traces.</param>
/// <param name="Params">The parameters, required ones first.</param>
public sealed record VerbInfo(uint Op, string Name, IReadOnlyList<VerbParam> Params)
{
    /// <summary>How many parameters must be given.</summary>
    public int RequiredCount => Params.Count(p => p.Default is null);
}
