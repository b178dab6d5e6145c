using System.Text;
using K3s.Kine.Server.Http2;

namespace K3s.Kine.Tests.Http2;

/// <summary>Collects decoded fields as strings.</summary>
internal sealed class HeaderCollector : IHpackHeaderSink
{
    public List<(string Name, string Value)> Fields { get; } = [];

    public List<bool> NeverIndexed { get; } = [];

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        Fields.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));
        NeverIndexed.Add(neverIndexed);
    }
}
