using System.Runtime.InteropServices;
using VerbRing.Registers;
using VerbRing.Verbs;

namespace VerbRing.Tooling.Fuzzing;

/// <summary>
/// What user space knows about a round's SQEs, and what it may therefore expect: each SQE carries a unique data
/// value, is pushed, consumed (in SQ order, as many as enter says) and completed exactly once, with its own op.
/// Registers follow the last completed save (ERR for a failure, nothing for ECANCELED) or user space's own write;
/// a register with an outstanding saver may change, any other must hold exactly what the oracle says.
/// Links: a successor never completes (other than cancelled) before its predecessor, and a failed LINK (not
/// HARDLINK) predecessor's successor completes with ECANCELED.
/// VerbRing's extensions (issue 19): an SQE with SKIP_SUCCESS may complete without a CQE — a later non-cancelled CQE
/// of its chain proves it did (the kernel's empty in-flight count proves it for the rest), and the register it saved
/// is unknown until the next save or user write; the members of a chain after a LOOP are run by the loop (possibly
/// many times, the LOOP's CQE after its body's) and escape the link-order checks; a DRAIN chain head that ran
/// completed only after every SQE consumed before it.
/// </summary>
internal sealed class CompletionOracle
{
    private readonly List<Entry> _entries = [];
    private readonly ulong _base;
    private readonly ulong[] _expected;
    private readonly int[] _savers = new int[RegisterFile.Count];
    private readonly bool[] _unknown = new bool[RegisterFile.Count];
    private int _firstQueued;

    public CompletionOracle(ulong dataBase, ulong[] registers)
    {
        _base = dataBase;
        _expected = (ulong[])registers.Clone();
    }

    /// <summary>Consumed SQEs whose CQE has not been reaped yet (the quiet ones not yet known to have completed included).</summary>
    public int Outstanding { get; private set; }

    /// <summary>Of <see cref="Outstanding"/>, those that may have completed without a CQE.</summary>
    public int MaybeQuiet { get; private set; }

    /// <summary>Of <see cref="Outstanding"/>, those a loop runs: the kernel may hold two slots for each (a template and a copy).</summary>
    public int InLoop { get; private set; }

    /// <summary>Pushed SQEs the kernel has not consumed yet.</summary>
    public int Queued => _entries.Count - _firstQueued;

    /// <summary>The data value the next pushed SQE carries.</summary>
    public ulong NextData => _base + (ulong)_entries.Count;

    /// <summary>Records a push; returns the SQE with its data set.</summary>
    public Sqe Push(Sqe sqe)
    {
        sqe.Data = NextData;
        _entries.Add(new Entry { Sqe = sqe, Predecessor = -1, Successor = -1 });
        return sqe;
    }

    /// <summary>
    /// Records that an enter consumed the <paramref name="count"/> oldest queued SQEs, linked as the kernel links
    /// them (links never span enters); returns those consumed, for the caller's own checks.
    /// </summary>
    public Span<Entry> Consume(uint count)
    {
        var first = _firstQueued;
        for (var i = first; i < first + (int)count; i++)
        {
            var entry = _entries[i];
            entry.State = State.Consumed;
            if (i > first && SqeFlags.IsLinked(_entries[i - 1].Sqe.Flags))
            {
                entry.Predecessor = i - 1;
                _entries[i - 1].Successor = i;
                entry.InLoop = _entries[i - 1].InLoop || _entries[i - 1].Sqe.Op == (uint)Op.Loop;
            }

            entry.Quiet = SqeFlags.SkipsSuccess(entry.Sqe.Flags) || entry.InLoop;
            MaybeQuiet += entry.Quiet ? 1 : 0;
            InLoop += entry.InLoop ? 1 : 0;

            var save = SqeFlags.SaveOf(entry.Sqe.Flags);
            if (save != SqeFlags.RegNone)
            {
                _savers[save]++;
            }
        }

        _firstQueued += (int)count;
        Outstanding += (int)count;
        return CollectionsMarshal.AsSpan(_entries).Slice(first, (int)count);
    }

    /// <summary>Whether some consumed, unreaped SQE saves into register <paramref name="register"/>.</summary>
    public bool HasSaver(int register) => _savers[register] > 0;

    /// <summary>User space wrote <paramref name="value"/> into a register (only where no completed save is unreaped).</summary>
    public void UserWrote(int register, ulong value)
    {
        _expected[register] = value;
        _unknown[register] = false;
    }

    /// <summary>
    /// The kernel holds no operation and no backlog: every outstanding SQE has completed, so each one left must be
    /// one that may complete quietly — it did, successfully. Returns what is wrong, or null.
    /// </summary>
    public string? SettleQuiet()
    {
        for (var i = 0; i < _firstQueued; i++)
        {
            var entry = _entries[i];
            if (entry.State != State.Consumed)
            {
                continue;
            }

            if (!entry.Quiet)
            {
                return $"data {entry.Sqe.Data} has no CQE, but the kernel holds nothing and it does not skip its success";
            }

            CompleteQuietly(entry);
            entry.QuietBy = "settled: the kernel held nothing";
        }

        return null;
    }

    /// <summary>The data values of every consumed SQE not completed yet.</summary>
    public IEnumerable<ulong> OutstandingData()
    {
        for (var i = 0; i < _firstQueued; i++)
        {
            if (_entries[i].State == State.Consumed)
            {
                yield return _entries[i].Sqe.Data;
            }
        }
    }

    /// <summary>Checks one reaped CQE and applies it; returns what is wrong, or null. The entry is returned too.</summary>
    public string? Complete(in Cqe cqe, out Entry? completed)
    {
        completed = null;
        var index = cqe.Data - _base;
        if (index >= (ulong)_entries.Count)
        {
            return $"a CQE for data {cqe.Data}, which no SQE carried";
        }

        var entry = _entries[(int)index];
        var error = (Errno)cqe.Error;
        if (entry.State == State.Consumed && error != Errno.ECANCELED && !entry.InLoop)
        {
            InferQuietPredecessors(entry);
        }

        var problem = entry.State switch
        {
            State.Queued => $"a CQE for data {cqe.Data}, which the kernel had not consumed",
            State.Completed => $"data {cqe.Data} completed twice (first {(Errno)entry.Error}{(entry.CompletedQuietly ? $" quietly, {entry.QuietBy}" : "")}, now {error}; {Describe(entry.Sqe)})",
            _ when cqe.Op != entry.Sqe.Op => $"data {cqe.Data}: CQE op {cqe.Op}, SQE op {entry.Sqe.Op}",
            _ when cqe.Reserved != 0 => $"data {cqe.Data}: CQE reserved field is {cqe.Reserved}",
            _ when cqe.Error < 0 || !Enum.IsDefined(error) => $"data {cqe.Data}: CQE error {cqe.Error} is no known errno",
            _ when cqe.Error != 0 && cqe.Result != Abi.Err => $"data {cqe.Data}: failed with {error} but result is {cqe.Result}, not ERR",
            _ when error == Errno.ETIMEDOUT && Abi.IsNoTimeout(entry.Sqe.Timeout) && entry.Sqe.Op != (uint)Op.Loop => $"data {cqe.Data}: ETIMEDOUT without a timeout",
            _ when error == Errno.EIO => $"data {cqe.Data}: EIO, a built-in verb threw ({Describe(entry.Sqe)})",
            _ => LinkProblem(entry, error) ?? DrainProblem(entry, index, error),
        };
        if (problem is not null)
        {
            return problem;
        }

        entry.State = State.Completed;
        entry.Error = cqe.Error;
        Outstanding--;
        MaybeQuiet -= entry.Quiet ? 1 : 0;
        InLoop -= entry.InLoop ? 1 : 0;
        var save = SqeFlags.SaveOf(entry.Sqe.Flags);
        if (save != SqeFlags.RegNone)
        {
            _savers[save]--;
            if (error != Errno.ECANCELED)
            {
                _expected[save] = cqe.Error == 0 ? cqe.Result : Abi.Err; // the last save wins; ECANCELED never writes
                _unknown[save] = false;
            }
            else if (entry.InLoop)
            {
                _unknown[save] = true; // its quiet runs in earlier iterations saved what user space never saw
            }
        }

        if (entry.Sqe.Op == (uint)Op.Loop && error != Errno.ECANCELED)
        {
            SettleBody(entry); // a LOOP cancelled as a member of a broken chain posts before its (cancelled) body
        }

        completed = entry;
        return null;
    }

    /// <summary>
    /// A LOOP posts after its body is done — every body member that has not posted (a failure, or ECANCELED)
    /// succeeded quietly. The body is known only when its length is not loaded from a register.
    /// </summary>
    private void SettleBody(Entry loop)
    {
        if (SqeFlags.LoadOf(loop.Sqe.Flags, 4) != SqeFlags.RegNone || loop.Sqe.Arg4 > Abi.MaxLoopBody)
        {
            return;
        }

        var member = loop.Successor;
        for (var i = 0UL; i < loop.Sqe.Arg4 && member >= 0; i++, member = _entries[member].Successor)
        {
            if (_entries[member] is { State: State.Consumed, Quiet: true } quiet)
            {
                CompleteQuietly(quiet);
                quiet.QuietBy = $"in the body of LOOP data {loop.Sqe.Data}";
            }
        }
    }

    /// <summary>
    /// A chain posts in chain order and a quiet step that failed would have posted, so a CQE that is not ECANCELED
    /// proves that every quiet predecessor still outstanding succeeded (ECANCELED may come from a CANCEL while a
    /// predecessor still waits, and proves nothing).
    /// </summary>
    private void InferQuietPredecessors(Entry entry)
    {
        for (var p = entry.Predecessor; p >= 0 && _entries[p] is { State: State.Consumed, Quiet: true } previous; p = previous.Predecessor)
        {
            CompleteQuietly(previous);
            previous.QuietBy = $"inferred from data {entry.Sqe.Data} ({Describe(entry.Sqe)})";
        }
    }

    /// <summary>A quiet success: completed, no CQE; the register it saved now holds a value user space never saw.</summary>
    private void CompleteQuietly(Entry entry)
    {
        entry.State = State.Completed;
        entry.CompletedQuietly = true;
        Outstanding--;
        MaybeQuiet--;
        InLoop -= entry.InLoop ? 1 : 0;
        var save = SqeFlags.SaveOf(entry.Sqe.Flags);
        if (save != SqeFlags.RegNone)
        {
            _savers[save]--;
            _unknown[save] = true;
        }
    }

    /// <summary>
    /// Registers after an enter: one that changed since <paramref name="before"/> must have had an outstanding
    /// saver (<paramref name="mayChange"/>); one with no saver outstanding now holds exactly the oracle's value.
    /// </summary>
    public string? CheckRegisters(RegisterFile registers, ulong[] before, bool[] mayChange)
    {
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            var now = registers[r];
            if (now != before[r] && !mayChange[r])
            {
                return $"r{r} changed from {before[r]:x} to {now:x}, but no SQE saving into r{r} was outstanding";
            }

            if (_savers[r] == 0 && !_unknown[r] && now != _expected[r])
            {
                return $"r{r} is {now:x}, but the last completed save (or user write) said {_expected[r]:x}";
            }
        }

        return null;
    }

    /// <summary>Fills <paramref name="mayChange"/>: the registers with a saver outstanding now.</summary>
    public void Savers(bool[] mayChange)
    {
        for (var r = 0; r < RegisterFile.Count; r++)
        {
            mayChange[r] = _savers[r] > 0;
        }
    }

    /// <summary>After the final drain: every SQE pushed was consumed and completed exactly once.</summary>
    public string? CheckAllCompleted()
    {
        var missing = _entries.Where(e => e.State != State.Completed).Select(e => $"{e.Sqe.Data}({e.State}{(e.Quiet ? ", quiet" : "")})").Take(8).ToList();
        return missing.Count == 0 ? null : $"never completed: {string.Join(", ", missing)}";
    }

    /// <summary>An SQE as a failure message shows it.</summary>
    public static string Describe(in Sqe sqe) =>
        $"op={sqe.Op} flags=0x{sqe.Flags:x} timeout={sqe.Timeout} args=[{sqe.Arg0:x}, {sqe.Arg1:x}, {sqe.Arg2:x}, {sqe.Arg3:x}, {sqe.Arg4:x}]";

    private string? LinkProblem(Entry entry, Errno error)
    {
        if (entry.InLoop)
        {
            return null; // the loop runs these: its CQE comes after its body's, and what follows the body obeys the LOOP
        }

        if (error != Errno.ECANCELED && entry.Predecessor >= 0 && _entries[entry.Predecessor].State != State.Completed)
        {
            return $"data {entry.Sqe.Data} completed ({error}) before its linked predecessor {_entries[entry.Predecessor].Sqe.Data}";
        }

        if (entry.Predecessor >= 0 && error != Errno.ECANCELED && _entries[entry.Predecessor] is { State: State.Completed } previous
            && previous.Error != 0 && (previous.Sqe.Flags & SqeFlags.HardLink) == 0)
        {
            return $"data {entry.Sqe.Data} ran ({error}) although its LINK predecessor {previous.Sqe.Data} failed with {(Errno)previous.Error}";
        }

        return null;
    }

    /// <summary>
    /// A DRAIN chain head that ran (not cancelled while it waited, not refused at the limit of waiting operations)
    /// started only after every SQE consumed before it had completed — quietly, for those that may.
    /// </summary>
    private string? DrainProblem(Entry entry, ulong index, Errno error)
    {
        if (!SqeFlags.Drains(entry.Sqe.Flags) || entry.Predecessor >= 0 || error is Errno.ECANCELED or Errno.EAGAIN)
        {
            return null;
        }

        for (var i = 0; i < (int)index; i++)
        {
            if (_entries[i] is { State: State.Consumed, Quiet: false } earlier)
            {
                return $"data {entry.Sqe.Data} (DRAIN) completed ({error}) before data {earlier.Sqe.Data}, consumed before it";
            }
        }

        return null;
    }

    /// <summary>Where an SQE is in its life.</summary>
    internal enum State
    {
        Queued,
        Consumed,
        Completed,
    }

    /// <summary>One pushed SQE and what has become of it.</summary>
    internal sealed class Entry
    {
        public Sqe Sqe;
        public State State;
        public int Error;
        public int Predecessor;
        public int Successor;
        public FuzzPath? Escape;

        /// <summary>SKIP_SUCCESS, or run by a loop: it may complete without a CQE.</summary>
        public bool Quiet;

        /// <summary>A member of a chain after a LOOP (its body, or what follows it).</summary>
        public bool InLoop;

        /// <summary>Known to have succeeded without a CQE.</summary>
        public bool CompletedQuietly;

        /// <summary>What proved the quiet completion (for a failure message).</summary>
        public string? QuietBy;
    }
}
