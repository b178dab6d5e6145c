namespace K3s.Kine.Server.Http2;

/// <summary>A header block that cannot be decoded (HTTP/2's COMPRESSION_ERROR) or is too large to rewrite.</summary>
internal sealed class HpackDecodingException(string message) : Exception(message);
