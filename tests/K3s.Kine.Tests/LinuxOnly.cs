// These tests start Linux servers (etcd, PostgreSQL, MariaDB, k3sps) and use unix sockets.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
