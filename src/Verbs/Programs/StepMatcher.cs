namespace VerbRing.Verbs.Programs;

/// <summary>
/// Tells which step a completion belongs to, from its data tag. A tag several steps share goes to the oldest of
/// them that has not completed yet. The runner and the trace use one each, in CQE order, so they agree.
/// </summary>
public sealed class StepMatcher
{
    private readonly LinkedProgram _program;
    private readonly int[] _matched; // at a tag's first position in the index: how many of its steps have completed

    internal StepMatcher(LinkedProgram program)
    {
        _program = program;
        _matched = new int[program.Tags.Count];
    }

    /// <summary>The step that completion with <paramref name="tag"/> belongs to, or null (not the program's).</summary>
    public int? Match(ulong tag)
    {
        var tags = _program.Tags;
        var first = tags.First(tag);
        if (first < 0)
        {
            return null;
        }

        // Steps of a tag are matched oldest first, so the matched ones are always the first of its run in the index.
        var next = first + _matched[first];
        if (next == tags.Count || tags.At(next).Tag != tag)
        {
            return null;
        }

        _matched[first]++;
        return tags.At(next).Step;
    }
}
