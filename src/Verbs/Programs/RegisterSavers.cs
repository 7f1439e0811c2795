namespace VerbRing.Verbs.Programs;

/// <summary>
/// Which chains save each register, gathered in one pass over the steps so that the verifier answers "saved by an
/// earlier chain?" and "saved by a chain that can interleave with this load?" without rescanning the program for
/// every load: the verifier stays linear in the program's size.
/// </summary>
/// <remarks>
/// Chains start in order and run without a pause until a step pends, so an earlier chain's save is settled if that
/// chain cannot pend before (or at) its last save of the register, and a later chain's save cannot come first if
/// the loading chain cannot pend before the load. Of the chains that race a load, the first in program order is
/// the one reported, with the first step of it that saves the register.
/// </remarks>
internal sealed class RegisterSavers
{
    private const int Registers = 7;

    // Per register: the chains that save it, ascending, and the first step of each that does.
    private readonly List<int>[] _chains = new List<int>[Registers];
    private readonly List<int>[] _firstSave = new List<int>[Registers];

    // Per register: the position in _chains of the first chain that may pend before or at its last save; -1 if none.
    private readonly int[] _firstUnsettled = [-1, -1, -1, -1, -1, -1, -1];

    private RegisterSavers()
    {
        for (var r = 0; r < Registers; r++)
        {
            _chains[r] = [];
            _firstSave[r] = [];
        }
    }

    /// <summary>Gathers the savers of every register, one pass over <paramref name="steps"/>.</summary>
    public static RegisterSavers Of(IReadOnlyList<ProgramStep> steps, List<(int Start, int Count)> chains)
    {
        var savers = new RegisterSavers();
        Span<int> first = stackalloc int[Registers];
        Span<bool> pendedByLastSave = stackalloc bool[Registers];
        for (var c = 0; c < chains.Count; c++)
        {
            var (start, count) = chains[c];
            first.Fill(-1);
            var pended = false;
            for (var i = start; i < start + count; i++)
            {
                var step = steps[i];
                pended |= Verifier.MayPend(steps, i);
                if (step.Save.IsNone)
                {
                    continue;
                }

                var r = step.Save.Index;
                if (first[r] < 0)
                {
                    first[r] = i;
                }

                pendedByLastSave[r] = pended;
            }

            for (var r = 0; r < Registers; r++)
            {
                if (first[r] < 0)
                {
                    continue;
                }

                if (pendedByLastSave[r] && savers._firstUnsettled[r] < 0)
                {
                    savers._firstUnsettled[r] = savers._chains[r].Count;
                }

                savers._chains[r].Add(c);
                savers._firstSave[r].Add(first[r]);
            }
        }

        return savers;
    }

    /// <summary>Whether a chain before <paramref name="chain"/> saves <paramref name="register"/>.</summary>
    public bool SavedBefore(int register, int chain) => _chains[register] is [var firstChain, ..] && firstChain < chain;

    /// <summary>
    /// The step (the first save in its chain) of the first other chain whose save of <paramref name="register"/>
    /// can interleave with a load in <paramref name="chain"/>, or null; <paramref name="loaderPendsFirst"/> says
    /// whether the loading chain may pend before the load.
    /// </summary>
    public int? Racing(int register, int chain, bool loaderPendsFirst)
    {
        var chains = _chains[register];
        var unsettled = _firstUnsettled[register];
        if (unsettled >= 0 && chains[unsettled] < chain)
        {
            return _firstSave[register][unsettled]; // an earlier chain that may pend before its save
        }

        if (!loaderPendsFirst)
        {
            return null;
        }

        var later = chains.BinarySearch(chain + 1);
        later = later >= 0 ? later : ~later;
        return later < chains.Count ? _firstSave[register][later] : null; // the first later chain that saves it
    }
}
