namespace VerbRing.Verbs.Programs;

/// <summary>How bad a diagnostic is: errors stop the run, warnings do not.</summary>
public enum Severity
{
    /// <summary>The program runs, but probably not as meant.</summary>
    Warning,

    /// <summary>The program does not run.</summary>
    Error,
}
