using System.Buffers;

namespace K3s.Kine.Server.Http2;

/// <summary>
/// Whether an <c>:authority</c> is a host with an optional port (RFC 3986 sections 3.2.2 and 3.2.3)
/// that Kestrel also accepts as a Host. Where the two differ the stricter rule applies: a reg-name
/// without "*+,;=" or percent-encoding, an IPv6 literal no shorter than <c>[::1]</c>, at least one
/// port digit after a colon, and no host that is only a port. An empty value is valid for both.
/// </summary>
internal static class AuthorityValidator
{
    private static readonly SearchValues<byte> RegNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()"u8);

    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef"u8);

    public static bool IsValidHostAndPort(ReadOnlySpan<byte> authority)
    {
        if (authority.IsEmpty)
            return true;
        int hostLength;
        if (authority[0] == '[')
        {
            // IP-literal; RFC 3986's IPvFuture is left out, as Kestrel refuses it.
            var close = authority.IndexOf((byte)']');
            if (close < 4 || !IsIPv6(authority[1..close]))
                return false;
            hostLength = close + 1;
        }
        else
        {
            hostLength = authority.IndexOfAnyExcept(RegNameChars);
            if (hostLength < 0)
                return true;
            if (hostLength == 0)
                return false;
        }
        var port = authority[hostLength..];
        return port.IsEmpty || (port.Length > 1 && port[0] == ':' && !port[1..].ContainsAnyExceptInRange((byte)'0', (byte)'9'));
    }

    /// <summary>RFC 3986's IPv6address: 8 pieces, or fewer around one "::"; an IPv4 address may end it.</summary>
    private static bool IsIPv6(ReadOnlySpan<byte> address)
    {
        var elision = address.IndexOf("::"u8);
        if (elision < 0)
            return CountPieces(address, allowIPv4: true) == 8;
        var before = CountPieces(address[..elision], allowIPv4: false);
        var after = CountPieces(address[(elision + 2)..], allowIPv4: true);
        return before >= 0 && after >= 0 && before + after <= 7;
    }

    /// <summary>How many 16-bit pieces (h16 separated by ':', an IPv4 address last counting two), or -1.</summary>
    private static int CountPieces(ReadOnlySpan<byte> pieces, bool allowIPv4)
    {
        if (pieces.IsEmpty)
            return 0;
        for (var count = 0; ; count++)
        {
            var colon = pieces.IndexOf((byte)':');
            var piece = colon < 0 ? pieces : pieces[..colon];
            if (colon < 0 && allowIPv4 && piece.Contains((byte)'.'))
                return IsIPv4(piece) ? count + 2 : -1;
            if (piece.Length is < 1 or > 4 || piece.ContainsAnyExcept(HexDigits))
                return -1;
            if (colon < 0)
                return count + 1;
            pieces = pieces[(colon + 1)..];
        }
    }

    /// <summary>RFC 3986's IPv4address: four dec-octets 0-255 without leading zeros.</summary>
    private static bool IsIPv4(ReadOnlySpan<byte> address)
    {
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (address.IsEmpty || address[0] != '.')
                    return false;
                address = address[1..];
            }
            var digits = address.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            if (digits < 0)
                digits = address.Length;
            if (digits is 0 or > 3 || (digits > 1 && address[0] == '0'))
                return false;
            var value = 0;
            foreach (var digit in address[..digits])
                value = value * 10 + digit - '0';
            if (value > 255)
                return false;
            address = address[digits..];
        }
        return address.IsEmpty;
    }
}
