using VerbRing.Verbs;

namespace VerbRing.Kernel.Interpreter;

/// <summary>
/// The dispatch table, built once from every registered handler: op code → handler, an array lookup on the hot
/// path. Two handlers for one op code are a composition error.
/// </summary>
public sealed class VerbTable
{
    /// <summary>Op codes are below this bound, so that the table stays a small array.</summary>
    public const uint MaxOp = 1024;

    private readonly IVerbHandler?[] _handlers;

    /// <summary>Builds the table; throws on an out-of-range or duplicate op code.</summary>
    public VerbTable(IEnumerable<IVerbHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        var list = handlers.ToList();
        _handlers = new IVerbHandler?[list.Count == 0 ? 0 : list.Max(h => h.Op) + 1];
        foreach (var handler in list)
        {
            if (handler.Op >= MaxOp)
            {
                throw new ArgumentException($"Verb {handler.Name} has op {handler.Op}; op codes are below {MaxOp}.", nameof(handlers));
            }

            if (_handlers[handler.Op] is { } existing)
            {
                throw new ArgumentException(
                    $"Op {handler.Op} is served by both {existing.Name} ({existing.GetType().Name}) and {handler.Name} ({handler.GetType().Name}).",
                    nameof(handlers));
            }

            _handlers[handler.Op] = handler;
        }
    }

    /// <summary>Every registered handler, by op code.</summary>
    public IEnumerable<IVerbHandler> Handlers => _handlers.OfType<IVerbHandler>();

    /// <summary>The handler for <paramref name="op"/>, or null (the SQE then completes with EINVAL).</summary>
    public IVerbHandler? Find(uint op) => op < (uint)_handlers.Length ? _handlers[op] : null;
}
