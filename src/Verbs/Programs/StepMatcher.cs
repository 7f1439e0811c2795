namespace VerbRing.Verbs.Programs;

/// <summary>
/// Tells which step a completion belongs to, from its data tag. A tag several steps share goes to the oldest of
/// them that has not completed yet. The runner and the trace use one each, in CQE order, so they agree.
/// </summary>
public sealed class StepMatcher
{
    private readonly LinkedProgram _program;
    private readonly Dictionary<ulong, int> _matchedOfTag = []; // how many of a tag's steps have completed

    internal StepMatcher(LinkedProgram program)
    {
        _program = program;
    }

    /// <summary>The step that completion with <paramref name="tag"/> belongs to, or null (not the program's).</summary>
    public int? Match(ulong tag)
    {
        if (!_program.StepsByTag.TryGetValue(tag, out var steps))
        {
            return null;
        }

        // Steps of a tag are matched oldest first, so the matched ones are always a prefix of its list.
        var matched = _matchedOfTag.GetValueOrDefault(tag);
        if (matched == steps.Count)
        {
            return null;
        }

        _matchedOfTag[tag] = matched + 1;
        return steps[matched];
    }
}
