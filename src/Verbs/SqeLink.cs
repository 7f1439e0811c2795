namespace VerbRing.Verbs;

/// <summary>How an SQE links to the next one consumed in the same enter.</summary>
public enum SqeLink
{
    /// <summary>Not linked: the next SQE starts a new chain.</summary>
    None = 0,

    /// <summary>The successor runs only if this SQE succeeds; otherwise the rest of the chain is cancelled.</summary>
    Link = 1,

    /// <summary>The successor runs whatever this SQE's outcome.</summary>
    HardLink = 2,
}
