using Google.Protobuf;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Wire;
using K3s.ApiServer.Wire.Core;
using K3s.ApiServer.Wire.Meta;
using K3s.ApiServer.Wire.Runtime;

namespace K3s.ApiServer.Tests.Machinery;

public sealed class ProtobufDecoderTests
{
    private static byte[] Envelope(string apiVersion, string kind, IMessage message) =>
        [.. "k8s\0"u8, .. new Unknown { TypeMeta = new TypeMeta { ApiVersion = apiVersion, Kind = kind }, Raw = message.ToByteString() }.ToByteArray()];

    [Fact]
    public void A_configmap_becomes_the_JSON_kubectl_would_have_sent()
    {
        var configMap = new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "c", Labels = { ["a"] = "b" }, CreationTimestamp = new Time { Seconds = 0 }, DeletionGracePeriodSeconds = 0 },
            Data = { ["k"] = "v" },
            BinaryData = { ["bin"] = ByteString.CopyFrom(1, 2, 3) },
            Immutable = false,
        };
        var json = ProtobufDecoder.Decode(Envelope("v1", "ConfigMap", configMap)).ToJsonString();
        Assert.Equal(
            """{"metadata":{"name":"c","creationTimestamp":"1970-01-01T00:00:00Z","deletionGracePeriodSeconds":0,"labels":{"a":"b"}},"data":{"k":"v"},"binaryData":{"bin":"AQID"},"immutable":false,"apiVersion":"v1","kind":"ConfigMap"}""",
            json);
    }

    [Fact]
    public void Zero_values_of_fields_without_presence_are_left_out()
    {
        var secret = new Secret { Metadata = new ObjectMeta { Name = "s", Namespace = "" }, Type = "" };
        Assert.Equal("""{"metadata":{"name":"s"},"apiVersion":"v1","kind":"Secret"}""", ProtobufDecoder.Decode(Envelope("v1", "Secret", secret)).ToJsonString());
    }

    [Fact]
    public void A_body_without_the_envelope_is_BadRequest() =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => ProtobufDecoder.Decode("{}"u8)).Code);

    [Fact]
    public void A_truncated_body_is_BadRequest()
    {
        var body = Envelope("v1", "ConfigMap", new ConfigMap { Metadata = new ObjectMeta { Name = "truncated" } });
        Assert.Equal(400, Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(body.AsSpan(0, body.Length - 3))).Code);
    }

    [Fact]
    public void A_kind_without_a_known_protobuf_form_is_415()
    {
        var error = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(Envelope("networking.k8s.io/v1", "Ingress", new ConfigMap())));
        Assert.Equal(415, error.Code);
        Assert.Contains("Kind=Ingress", error.Message);
    }
}
