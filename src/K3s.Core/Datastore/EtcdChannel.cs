using System.Net.Sockets;
using Grpc.Net.Client;

namespace K3s.Core.Datastore;

/// <summary>gRPC channels to an etcd v3 endpoint, <c>http(s)://host:port</c> or <c>unix:///path/to/kine.sock</c>.</summary>
public static class EtcdChannel
{
    private const string UnixScheme = "unix://";

    /// <param name="options">Limits and handler settings; a unix socket endpoint sets the connect callback of its
    /// <see cref="SocketsHttpHandler"/> (a new one if none is given).</param>
    public static GrpcChannel For(string endpoint, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        if (endpoint.StartsWith(UnixScheme, StringComparison.Ordinal))
            return UnixSocket(endpoint[UnixScheme.Length..], options);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{endpoint}: not an endpoint; expected http://host:port or unix:///path");
        return GrpcChannel.ForAddress(uri, options);
    }

    /// <summary>Whether a server accepts connections on a unix socket (a stopped one can leave the file behind).</summary>
    public static bool Answers(string socketPath)
    {
        if (!File.Exists(socketPath))
            return false;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static GrpcChannel UnixSocket(string path, GrpcChannelOptions options)
    {
        var handler = options.HttpHandler as SocketsHttpHandler ?? new SocketsHttpHandler();
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        options.HttpHandler = handler;
        return GrpcChannel.ForAddress("http://localhost", options);
    }
}
