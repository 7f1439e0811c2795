namespace VerbRing.Verbs.Client;

/// <summary>How a client's enter reaches the server (spec/transport.md).</summary>
public enum EnterTransport
{
    /// <summary>
    /// The doorbell page after the ring, in the memory both map: spin, then a shared futex (what <c>vr_connect</c> and
    /// <c>vr_enter</c> in spec/verbring.h use). About a tenth of a microsecond when the server answers quickly. The socket then only tells each side the other is gone.
    /// </summary>
    Doorbell,

    /// <summary>
    /// A 20-byte request and a reply on the socket per enter, as a C client of spec/verbring.h connected with
    /// <c>VR_ENTER_SOCKET</c> does (its default, like this one's, is the doorbell): a wake-up each way.
    /// </summary>
    Socket,
}
