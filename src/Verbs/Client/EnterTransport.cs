namespace VerbRing.Verbs.Client;

/// <summary>How a client's enter reaches the server (spec/transport.md).</summary>
public enum EnterTransport
{
    /// <summary>
    /// The doorbell page after the ring, in the memory both map: spin, then a shared futex. About a tenth of a
    /// microsecond when the server answers quickly. The socket then only tells each side the other is gone.
    /// </summary>
    Doorbell,

    /// <summary>A request and a reply on the socket, as <c>vr_enter</c> in spec/verbring.h does: a wake-up each way.</summary>
    Socket,
}
