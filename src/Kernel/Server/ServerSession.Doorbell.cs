using VerbRing.Verbs;
using VerbRing.Verbs.Client;

namespace VerbRing.Kernel.Server;

/// <summary>
/// The session's doorbell mode: enters come from the doorbell page after the ring, not from the socket, and the
/// socket is only watched for the client going away. Everything on the page is the client's to scribble on.
/// </summary>
internal sealed unsafe partial class ServerSession
{
    /// <summary>
    /// Answers the switch (errno, the page's offset, its size), then serves one enter per move of the request
    /// sequence until the client hangs up, breaks the protocol on the socket, or the server stops.
    /// </summary>
    private void ServeDoorbell()
    {
        var region = _region!;
        var bell = new Doorbell(region.Trailer);

        // Volatile.Read: the sequence as the switch finds it is the last one served; any move from now on is a request.
        var served = Volatile.Read(ref *bell.Request);
        lock (_teardown)
        {
            _doorbell = region.Trailer; // from now on Dispose wakes this loop
        }

        Reply(Errno.OK, (uint)region.Layout.TotalSize, Doorbell.Size);
        var budget = SpinBudget.Follower(SpinHint.Process); // the client leads: the session spins while it is awake
        while (Doorbell.AwaitChange(bell.Request, served, bell.KernelSleeping, bell.UserSleeping, ref budget, static session => session.ClientHungUp(), this))
        {
            // Volatile.Read: acquire, then each field exactly once into a local — the client may rewrite any of them
            // at any moment, so nothing below reads the page again; Enter validates amount, wait and timeout as it would a
            // socket request's.
            var sequence = Volatile.Read(ref *bell.Request);
            var amount = Volatile.Read(ref *bell.Amount);
            var wait = Volatile.Read(ref *bell.Wait);
            var timeout = Volatile.Read(ref *bell.Timeout);
            var result = Enter(amount, wait, timeout);

            // Volatile.Read: the server is ending the session; the client learns it from the socket, not an answer.
            if (Volatile.Read(ref _disposed) || (result.Error == Errno.ECANCELED && ClientHungUp()))
            {
                return; // the client died, or wrote to the socket, while it waited: tear down (Serve's finally)
            }

            // Unsafe: the page stays mapped until this thread leaves Serve. Plain stores, published by Ring's fence.
            *bell.Consumed = result.Consumed;
            *bell.Errno = (int)result.Error;
            Doorbell.Ring(bell.Reply, sequence, bell.UserSleeping);
            served = sequence;
        }
    }
}
