namespace VerbRing.Verbs.Programs;

/// <summary>
/// Tells which step a completion belongs to, from its data tag. A tag several steps share goes to the oldest of
/// them that has not completed yet. The runner and the trace use one each, in CQE order, so they agree.
/// </summary>
public sealed class StepMatcher
{
    private readonly LinkedProgram _program;
    private readonly bool[] _matched;

    internal StepMatcher(LinkedProgram program)
    {
        _program = program;
        _matched = new bool[program.Sqes.Length];
    }

    /// <summary>The step that completion with <paramref name="tag"/> belongs to, or null (not the program's).</summary>
    public int? Match(ulong tag)
    {
        if (!_program.StepsByTag.TryGetValue(tag, out var steps))
        {
            return null;
        }

        foreach (var step in steps)
        {
            if (!_matched[step])
            {
                _matched[step] = true;
                return step;
            }
        }

        return null;
    }
}
