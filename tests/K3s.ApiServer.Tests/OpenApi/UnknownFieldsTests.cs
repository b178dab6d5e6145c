using System.Text.Json.Nodes;
using K3s.ApiServer.Schema;

namespace K3s.ApiServer.Tests.OpenApi;

/// <summary>Fields a kind's schema does not know, for fieldValidation=Strict and Warn.</summary>
public sealed class UnknownFieldsTests
{
    private static SchemaNode Kind(string group, string version, string kind) => SchemaCatalog.Shared.ForKind(group, version, kind)!;

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Finds_an_unknown_field_in_spec_and_in_list_items()
    {
        var deployment = Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"any":"key"}},
             "spec":{"foo":1,"replicas":2,"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","bar":true}]}}}}
            """);
        Assert.Equal(["spec.foo", "spec.template.spec.containers[1].bar"], UnknownFields.Find(deployment, Kind("apps", "v1", "Deployment")));
    }

    [Fact]
    public void Map_keys_are_not_fields()
    {
        var configMap = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"a/b":"c"}},"data":{"anything":"x","else.here":"y"}}""");
        Assert.Empty(UnknownFields.Find(configMap, Kind("", "v1", "ConfigMap")));
    }

    [Fact]
    public void Unknown_top_level_and_metadata_fields_are_found()
    {
        var configMap = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","nmae":"typo"},"dta":{}}""");
        Assert.Equal(["metadata.nmae", "dta"], UnknownFields.Find(configMap, Kind("", "v1", "ConfigMap")));
    }

    [Fact]
    public void Untyped_json_takes_anything()
    {
        var crd = Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"a.b"},
             "spec":{"group":"b","names":{"kind":"A","plural":"a"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,
               "schema":{"openAPIV3Schema":{"type":"object","default":{"free":{"form":1}},"x-kubernetes-preserve-unknown-fields":true}}}]}}
            """);
        Assert.Empty(UnknownFields.Find(crd, Kind("apiextensions.k8s.io", "v1", "CustomResourceDefinition")));
        var revision = Parse("""{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"r"},"revision":1,"data":{"spec":{"whatever":true}}}""");
        Assert.Empty(UnknownFields.Find(revision, Kind("apps", "v1", "ControllerRevision")));
    }

    [Fact]
    public void A_custom_resource_schema_is_walked_and_preserves_where_it_says()
    {
        var schema = JsonSchemaNodes.ForKind(Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"},
              "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}
            """), SchemaCatalog.Shared);
        var item = Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1,"colour":"red","extra":{"x":1}}}""");
        Assert.Equal(["spec.colour"], UnknownFields.Find(item, schema));
    }

    [Fact]
    public void The_strict_message_is_upstreams()
    {
        Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.bar\"",
            UnknownFields.StrictMessage("Deployment", "v1", ["spec.foo", "spec.bar"]));
    }
}
