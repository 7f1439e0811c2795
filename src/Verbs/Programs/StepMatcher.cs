namespace VerbRing.Verbs.Programs;

/// <summary>
/// Tells which step a completion belongs to, from its data tag and its op. A tag several steps share goes to the
/// oldest of them with the completion's op that has not completed yet (and, when none has that op, to the oldest
/// not yet completed): a pending READ and a NOP that share a tag are told apart by the verb the CQE carries, and
/// steps of one verb and one tag complete oldest first wherever they are ordered (one chain, one CANCEL ANY). The
/// runner and the trace use one each, in CQE order, so they agree.
/// </summary>
internal sealed class StepMatcher
{
    private readonly LinkedProgram _program;
    private readonly int[] _prefix; // at a tag's first position in the index: how many of its first steps have completed
    private readonly bool[]? _done; // by position: whether that step has completed (only when some tag is shared)
    private readonly int[]? _skip; // by completed position: a later position to look at next (completed runs are jumped)

    internal StepMatcher(LinkedProgram program)
    {
        _program = program;
        _prefix = new int[program.Tags.Count];
        _done = program.Tags.HasSharedTags ? new bool[program.Tags.Count] : null;
        _skip = _done is null ? null : new int[program.Tags.Count];
    }

    /// <summary>The step that a completion with <paramref name="tag"/> belongs to, or null (not the program's); any op.</summary>
    public int? Match(ulong tag) => Match(tag, op: null);

    /// <summary>
    /// The step that a completion with <paramref name="tag"/> and <paramref name="op"/> belongs to, or null (not
    /// the program's).
    /// </summary>
    public int? Match(ulong tag, uint? op)
    {
        var tags = _program.Tags;
        var first = tags.First(tag);
        if (first < 0)
        {
            return null;
        }

        var next = first + _prefix[first];
        if (next == tags.Count || tags.At(next).Tag != tag)
        {
            return null; // every step of this tag has completed
        }

        if (_done is null)
        {
            _prefix[first]++; // a tag of one step
            return tags.At(next).Step;
        }

        // Steps of a tag lie side by side in the index, oldest first: the oldest open one with this op, else the oldest open one.
        var chosen = next;
        for (var p = next; p < tags.Count && tags.At(p).Tag == tag; p = Open(p + 1))
        {
            if (op is null || _program.Sqes[tags.At(p).Step].Op == op)
            {
                chosen = p;
                break;
            }
        }

        _done[chosen] = true;
        _skip![chosen] = chosen + 1;
        _prefix[first] = Open(next) - first;
        return tags.At(chosen).Step;
    }

    /// <summary>The first position from <paramref name="position"/> on whose step has not completed (jumps shortened as it goes).</summary>
    private int Open(int position)
    {
        var open = position;
        while (open < _done!.Length && _done[open])
        {
            open = _skip![open];
        }

        while (position < _done.Length && _done[position])
        {
            var after = _skip![position];
            _skip[position] = open;
            position = after;
        }

        return open;
    }
}
