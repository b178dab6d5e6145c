using K3s.Core.Tls;

namespace K3s.Service.Roles;

/// <summary>Asks the API server's /readyz, as a load balancer would, until it answers "ok".</summary>
internal static class ReadinessProbe
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task WaitAsync(string url, CertificateAuthority serverCa, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && serverCa.Signed(certificate),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(url + "/readyz", cancellationToken);
                if (response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(cancellationToken) == "ok")
                    return;
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // This attempt timed out.
            }
            await Task.Delay(Interval, cancellationToken);
        }
    }
}
