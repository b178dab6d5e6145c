using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace K3s.Controllers.Deployments;

/// <summary>
/// The pod-template-hash label that names a deployment's replica sets (DEPLOYMENT-HASH), as upstream's
/// controller.ComputeHash: FNV-32a of the template (and the collision count, if any), written in
/// decimal and then in the alphabet of rand.SafeEncodeString, which avoids vowels and look-alike digits.
/// </summary>
public static class PodTemplateHash
{
    public const string Label = "pod-template-hash";

    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(V1PodTemplateSpec template, int? collisionCount)
    {
        var hash = Fnv1a32.Initial;
        hash = Fnv1a32.Add(hash, Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template)));
        if (collisionCount is { } count)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, unchecked((uint)count));
            hash = Fnv1a32.Add(hash, bytes);
        }
        var digits = hash.ToString(CultureInfo.InvariantCulture);
        return string.Concat(digits.Select(digit => SafeAlphabet[digit % SafeAlphabet.Length]));
    }

    /// <summary>Whether a replica set's template is the deployment's, whatever hash label it carries.</summary>
    public static bool SameTemplate(V1PodTemplateSpec? replicaSetTemplate, V1PodTemplateSpec? deploymentTemplate) =>
        JsonNode.DeepEquals(WithoutHash(replicaSetTemplate), WithoutHash(deploymentTemplate));

    private static JsonNode? WithoutHash(V1PodTemplateSpec? template)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(template));
        if (node?["metadata"]?["labels"] is JsonObject labels)
            labels.Remove(Label);
        return node;
    }

    private static class Fnv1a32
    {
        public const uint Initial = 2166136261;

        public static uint Add(uint hash, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
                hash = unchecked((hash ^ b) * 16777619);
            return hash;
        }
    }
}
