// A stand-in for a node process: `k3sps server [--listen ADDRESS:PORT] [--threads N]`
// listens on a TCP port, starts N extra named threads and one child process (`k3sps child`),
// prints "READY pid=… port=… child=…" and runs until its standard input closes.
// The child runs until its own standard input (a pipe from the parent) closes, so it ends with
// the parent even when the parent is killed.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

if (args.Length > 0 && args[0] == "child")
{
    Console.In.ReadToEnd();
    return 0;
}

var listen = IPEndPoint.Parse(OptionValue("--listen") ?? "127.0.0.1:0");
var extraThreads = int.Parse(OptionValue("--threads") ?? "3", CultureInfo.InvariantCulture);

var listener = new TcpListener(listen);
listener.Start();

for (var i = 0; i < extraThreads; i++)
{
    new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true, Name = $"standin-{i}" }.Start();
}

using var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, "child") { RedirectStandardInput = true })!;

Console.WriteLine(FormattableString.Invariant(
    $"READY pid={Environment.ProcessId} port={((IPEndPoint)listener.LocalEndpoint).Port} child={child.Id}"));
Console.Out.Flush();

Console.In.ReadToEnd();
child.StandardInput.Close();
child.WaitForExit();
return 0;

string? OptionValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
