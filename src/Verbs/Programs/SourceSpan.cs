namespace VerbRing.Verbs.Programs;

/// <summary>Where something is in a program's source: file, 1-based line and column.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
