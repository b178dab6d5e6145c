namespace K3s.Kine.Server.Http2;

/// <summary>Receives the header fields of a block as <see cref="HpackDecoder"/> decodes them.</summary>
internal interface IHpackHeaderSink
{
    /// <param name="name">Valid only during the call.</param>
    /// <param name="value">Valid only during the call.</param>
    /// <param name="neverIndexed">Sent as "never indexed": an intermediary must keep it that way (RFC 7541 section 6.2.3).</param>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed);
}
