namespace VerbRing.Verbs;

/// <summary>CANCEL's mode (arg1).</summary>
public enum CancelMode : ulong
{
    /// <summary>Cancel every pending SQE with the tag.</summary>
    All = 1,

    /// <summary>Cancel the first (oldest) pending SQE with the tag.</summary>
    Any = 2,
}
