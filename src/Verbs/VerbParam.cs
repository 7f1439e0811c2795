namespace VerbRing.Verbs;

/// <summary>One named parameter of a verb: which argument it fills (a path fills <c>Arg</c> and <c>Arg + 1</c>).</summary>
/// <param name="Name">The parameter's name, as documentation and error messages use it.</param>
/// <param name="Kind">What it takes.</param>
/// <param name="Arg">The SQE argument index it fills.</param>
/// <param name="Default">Its value when a trailing parameter is left out; null when it is required.</param>
public sealed record VerbParam(string Name, ParamKind Kind, int Arg, ulong? Default = null);
