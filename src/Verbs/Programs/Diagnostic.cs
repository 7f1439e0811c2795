namespace VerbRing.Verbs.Programs;

/// <summary>One finding of the assembler or the verifier, in <c>file:line:column: severity: message</c> form.</summary>
public sealed record Diagnostic(Severity Severity, SourceSpan Where, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Where}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>A program that does not assemble or check, with every diagnostic that says why.</summary>
public sealed class ProgramException : Exception
{
    /// <summary>Wraps the diagnostics; the message lists them one per line.</summary>
    public ProgramException(IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics ?? throw new ArgumentNullException(nameof(diagnostics))))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>What went wrong, in source order.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
