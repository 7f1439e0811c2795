using VerbRing.Kernel.Interpreter;

namespace VerbRing.Kernel;

/// <summary>
/// The kernel's diagnostics: what is in flight, and a self-check of the interpreter's bookkeeping (the free list,
/// the backlog, the count of waiting operations) that the tests run after every step.
/// </summary>
internal sealed partial class RingKernel
{
    /// <summary>What is in flight, one line per operation (for diagnostics and test failures).</summary>
    public string DescribeInFlight()
    {
        lock (_sync)
        {
            return _runner.Describe();
        }
    }

    /// <summary>
    /// Checks the interpreter's bookkeeping as a whole: the free list holds each free slot once, every completed slot
    /// is in the backlog, the backlog count matches, so does the count of waiting operations. Empty when sound. The
    /// tests and the fuzzer call it after every step; the local invariants it sums up are <c>Debug.Assert</c>s on
    /// the path itself (a slot rented free and returned once, completed once, posted or backlogged once completed).
    /// </summary>
    public List<string> FindInconsistencies()
    {
        lock (_sync)
        {
            var problems = new List<string>();
            var free = _pool.FreeSlots.ToArray();
            if (free.Distinct().Count() != free.Length)
            {
                problems.Add($"a slot is free twice: {string.Join(",", free.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key))}");
            }

            foreach (var index in free.Where(i => _pool[i].State != OperationState.Free))
            {
                problems.Add($"free slot #{index} is {_pool[index].State}");
            }

            var backlog = _completions.BacklogIndices();
            var inBacklog = backlog.ToHashSet();
            if (backlog.Count != _completions.BacklogCount)
            {
                problems.Add($"backlog has {backlog.Count} entries but counts {_completions.BacklogCount}");
            }

            var waits = 0;
            for (var i = 0; i < _pool.Capacity; i++)
            {
                waits += _pool[i].Waits ? 1 : 0;
                if (_pool[i].Waits && _pool[i].State is not (OperationState.Pending or OperationState.Queued or OperationState.Running))
                {
                    problems.Add($"#{i} is {_pool[i].State} but counted as waiting");
                }

                if (_pool[i].State == OperationState.Completed && !inBacklog.Contains(i))
                {
                    problems.Add($"#{i} is completed but not in the backlog");
                }
            }

            if (waits != _runner.Waiting)
            {
                problems.Add($"{waits} slots are marked waiting but the runner counts {_runner.Waiting}");
            }

            FindOrderProblems(problems);
            return problems;
        }
    }

    /// <summary>
    /// The pool's lookups agree with its slots: the consumption order (DRAIN) holds every unfinished slot once, oldest
    /// first; the index by user_data (CANCEL) lists each slot still in it under its own data, oldest first.
    /// </summary>
    private void FindOrderProblems(List<string> problems)
    {
        var ordered = _pool.UnfinishedInOrder();
        var unfinished = Enumerable.Range(0, _pool.Capacity).Where(i => _pool.IsUnfinished(i, _pool[i].Generation)).OrderBy(i => _pool[i].Sequence);
        if (!ordered.SequenceEqual(unfinished))
        {
            problems.Add($"the consumption order [{string.Join(",", ordered)}] is not the unfinished slots by sequence [{string.Join(",", unfinished)}]");
        }

        for (var i = 0; i < _pool.Capacity; i++)
        {
            var indexed = _pool[i].TagPrev >= 0;
            if (indexed && _pool[i].State == OperationState.Free)
            {
                problems.Add($"free slot #{i} is still indexed by its user_data");
            }
            else if (!indexed && (_pool[i].State is OperationState.Queued or OperationState.Pending || _pool[i].Loop.Active) && _pool[i].LoopOf != -2 && !_pool[i].CancelRequested)
            {
                problems.Add($"#{i} is {_pool[i].State} but not indexed by its user_data");
            }
        }

        var byTag = Enumerable.Range(0, _pool.Capacity).Where(i => _pool[i].TagPrev >= 0).GroupBy(i => _pool[i].Sqe.Data);
        foreach (var group in byTag)
        {
            var listed = new List<int>();
            for (var i = _pool.FirstWithTag(group.Key); i >= 0 && listed.Count <= _pool.Capacity; i = _pool[i].TagNext)
            {
                listed.Add(i);
            }

            var expected = group.OrderBy(i => _pool[i].Sequence);
            if (!listed.SequenceEqual(expected) || _pool[listed[0]].TagPrev != listed[^1])
            {
                problems.Add($"the slots indexed under data {group.Key} are [{string.Join(",", listed)}], not [{string.Join(",", expected)}] in consumption order");
            }
        }
    }
}
