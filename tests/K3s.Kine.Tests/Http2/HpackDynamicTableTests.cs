using System.Text;
using K3s.Kine.Server.Http2;

namespace K3s.Kine.Tests.Http2;

public sealed class HpackDynamicTableTests
{
    /// <summary>
    /// Random adds and size updates against a plain list: the ring storage must wrap and reuse its
    /// gaps without ever corrupting an entry.
    /// </summary>
    [Theory]
    [InlineData(256, 1)]
    [InlineData(4096, 2)]
    [InlineData(100, 3)]
    public void Matches_a_list_of_entries_under_random_adds_and_size_updates(int limit, int seed)
    {
        var random = new Random(seed);
        var table = new HpackDynamicTable(limit, limit);
        var expected = new List<(string Name, string Value)>(); // newest first
        var maxSize = limit;
        for (var step = 0; step < 20_000; step++)
        {
            if (random.Next(50) == 0)
            {
                maxSize = random.Next(limit + 1);
                table.SetMaxSize(maxSize);
            }
            else
            {
                var name = RandomString(random, random.Next(0, limit / 3));
                var value = RandomString(random, random.Next(0, limit / 2));
                table.Add(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value));
                expected.Insert(0, (name, value));
            }
            while (expected.Sum(e => e.Name.Length + e.Value.Length + 32) > maxSize)
                expected.RemoveAt(expected.Count - 1);

            Assert.Equal(expected.Count, table.Count);
            Assert.Equal(expected.Sum(e => e.Name.Length + e.Value.Length + 32), table.Size);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Name, Encoding.ASCII.GetString(table.Name(i + 1)));
                Assert.Equal(expected[i].Value, Encoding.ASCII.GetString(table.Value(i + 1)));
            }
        }
    }

    private static string RandomString(Random random, int length) =>
        string.Create(length, random, (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = (char)r.Next('a', 'z' + 1);
        });
}
