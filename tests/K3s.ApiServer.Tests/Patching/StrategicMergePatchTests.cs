using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Patching;

namespace K3s.ApiServer.Tests.Patching;

public sealed class StrategicMergePatchTests
{
    // A Deployment's patch metadata, as apps/v1 and core/v1 declare it, for the fields these tests touch.
    private static readonly IPatchSchema Container = PatchSchemaNode.Object(
        ("env", PatchSchemaNode.MergeList("name", PatchSchemaNode.Object())),
        ("ports", PatchSchemaNode.MergeList("containerPort", PatchSchemaNode.Object())),
        ("volumeMounts", PatchSchemaNode.MergeList("mountPath", PatchSchemaNode.Object())));

    private static readonly IPatchSchema Deployment = PatchSchemaNode.Object(
        ("metadata", PatchSchemaNode.Object(
            ("finalizers", PatchSchemaNode.PrimitiveSet()),
            ("labels", PatchSchemaNode.MapOf(new PatchSchemaNode())))),
        ("spec", PatchSchemaNode.Object(
            ("strategy", PatchSchemaNode.Object(("rollingUpdate", PatchSchemaNode.Object())) with { PatchStrategy = "retainKeys" }),
            ("template", PatchSchemaNode.Object(
                ("spec", PatchSchemaNode.Object(
                    ("containers", PatchSchemaNode.MergeList("name", Container)),
                    ("initContainers", PatchSchemaNode.MergeList("name", Container)),
                    ("volumes", PatchSchemaNode.MergeList("name", PatchSchemaNode.Object(), retainKeys: true)),
                    ("tolerations", new PatchSchemaNode()))))))));

    private const string Original = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "finalizers": ["a", "b", "c"]},
          "spec": {
            "replicas": 2,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
              "metadata": {"labels": {"app": "web"}},
              "spec": {
                "containers": [
                  {
                    "name": "app",
                    "image": "nginx:1.25",
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}],
                    "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP"}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}]
                  },
                  {"name": "sidecar", "image": "busybox:1.36"}
                ],
                "volumes": [{"name": "data", "emptyDir": {}}],
                "tolerations": [{"key": "k1", "operator": "Exists"}, {"key": "k2", "operator": "Exists"}]
              }
            }
          }
        }
        """;

    private static JsonObject Apply(string patch) =>
        StrategicMergePatch.Apply(JsonNode.Parse(Original)!.AsObject(), JsonNode.Parse(patch)!, Deployment);

    private static JsonNode PodSpec(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!;

    private static JsonNode Container0(JsonObject deployment) => PodSpec(deployment)["containers"]![0]!;

    private static string Json(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();

    private static string Names(JsonNode? list, string key = "name") =>
        string.Join(",", list!.AsArray().Select(item => (string?)item![key]));

    [Fact]
    public void Changing_one_containers_image_keeps_the_other_containers()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}}""");

        var original = JsonNode.Parse(Original)!.AsObject();
        Assert.Equal("app,sidecar", Names(PodSpec(result)["containers"]));
        Assert.Equal(Json(Container0(original)), Json(Container0(result)));
        Assert.Equal("""{"name":"sidecar","image":"busybox:1.37"}""", Json(PodSpec(result)["containers"]![1]));
    }

    [Fact]
    public void Env_merges_by_name_with_change_add_and_delete()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{"containers":[{"name":"app","env":[
              {"name":"B","value":"20"},
              {"name":"D","value":"4"},
              {"name":"A","$patch":"delete"}
            ]}]}}}}
            """);

        // Without $setElementOrder upstream puts patched items first, a server-only item going ahead of
        // a patched one only when both were on the server in that order.
        Assert.Equal("""[{"name":"B","value":"20"},{"name":"D","value":"4"},{"name":"C","value":"3"}]""", Json(Container0(result)["env"]));
        Assert.Equal("nginx:1.25", (string?)Container0(result)["image"]);
    }

    [Fact]
    public void Applies_what_kubectl_apply_sends_for_a_new_image_and_env_value()
    {
        // kubectl apply's patch (keys sorted as Go marshals them) after the user changed the image and B's value.
        var lastApplied = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web"}}""";
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = lastApplied + "\n" } },
            ["spec"] = JsonNode.Parse("""
                {"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],
                  "containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"},{"name":"C"}],"env":[{"name":"B","value":"20"}],"image":"nginx:1.26","name":"app"}]}}}
                """),
        };

        var result = StrategicMergePatch.Apply(JsonNode.Parse(Original)!.AsObject(), patch, Deployment);

        var expected = JsonNode.Parse(Original)!.AsObject();
        expected["metadata"]!["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = lastApplied + "\n" };
        Container0(expected)["image"] = "nginx:1.26";
        Container0(expected)["env"]![1]!["value"] = "20";
        Assert.Equal(Json(expected), Json(result));
    }

    [Fact]
    public void Set_element_order_reorders_a_list_the_patch_does_not_otherwise_touch()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}]}}}}""");

        Assert.Equal("sidecar,app", Names(PodSpec(result)["containers"]));
        Assert.Equal("nginx:1.25", (string?)PodSpec(result)["containers"]![1]!["image"]);
    }

    [Fact]
    public void Set_element_order_places_a_new_item_where_it_says()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{"containers":[{"name":"app",
              "$setElementOrder/env":[{"name":"A"},{"name":"D"},{"name":"B"},{"name":"C"}],
              "env":[{"name":"D","value":"4"}]}]}}}}
            """);

        Assert.Equal("A,D,B,C", Names(Container0(result)["env"]));
    }

    [Fact]
    public void Items_the_order_does_not_name_go_before_the_first_named_item_that_followed_them_on_the_server()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{"containers":[{"name":"app","$setElementOrder/env":[{"name":"C"},{"name":"A"}]}]}}}}
            """);

        Assert.Equal("B,C,A", Names(Container0(result)["env"]));
    }

    [Fact]
    public void A_patch_list_out_of_order_with_set_element_order_is_refused()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""
            {"spec":{"template":{"spec":{"containers":[{"name":"app",
              "$setElementOrder/env":[{"name":"A"},{"name":"B"}],
              "env":[{"name":"B","value":"x"},{"name":"A","value":"y"}]}]}}}}
            """));
        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void Ports_merge_on_a_numeric_key()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":443,"name":"https"}]}]}}}}""");

        Assert.Equal(
            """[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP","name":"https"}]""",
            Json(Container0(result)["ports"]));
    }

    [Fact]
    public void Volume_mounts_merge_on_mount_path()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"containers":[{"name":"app","volumeMounts":[{"mountPath":"/data","readOnly":true},{"mountPath":"/cache","name":"cache"}]}]}}}}""");

        Assert.Equal(
            """[{"name":"data","mountPath":"/data","readOnly":true},{"mountPath":"/cache","name":"cache"}]""",
            Json(Container0(result)["volumeMounts"]));
    }

    [Fact]
    public void A_primitive_merge_list_is_a_union()
    {
        var result = Apply("""{"metadata":{"finalizers":["c","a","d"]}}""");

        Assert.Equal("""["b","c","a","d"]""", Json(result["metadata"]!["finalizers"]));
    }

    [Fact]
    public void Delete_from_primitive_list_removes_values()
    {
        var result = Apply("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","zz"]}}""");

        Assert.Equal("""["a","c"]""", Json(result["metadata"]!["finalizers"]));
    }

    [Fact]
    public void Kubectl_style_primitive_list_change_adds_deletes_and_orders()
    {
        var result = Apply("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"$setElementOrder/finalizers":["a","c","d"],"finalizers":["d"]}}
            """);

        Assert.Equal("""["a","c","d"]""", Json(result["metadata"]!["finalizers"]));
    }

    [Fact]
    public void A_replace_directive_in_a_list_makes_the_list_the_other_patch_items()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"$patch":"replace"},{"name":"Z","value":"26"}]}]}}}}
            """);

        Assert.Equal("""[{"name":"Z","value":"26"}]""", Json(Container0(result)["env"]));
    }

    [Fact]
    public void A_replace_directive_in_a_map_replaces_the_map()
    {
        var result = Apply("""{"metadata":{"labels":{"$patch":"replace","only":"this"}}}""");

        Assert.Equal("""{"only":"this"}""", Json(result["metadata"]!["labels"]));
    }

    [Fact]
    public void A_delete_directive_in_a_map_empties_it_as_upstream_does()
    {
        var result = Apply("""{"metadata":{"labels":{"$patch":"delete"}}}""");

        Assert.Equal("{}", Json(result["metadata"]!["labels"]));
    }

    [Fact]
    public void Retain_keys_clears_the_fields_not_listed()
    {
        var result = Apply("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");

        Assert.Equal("""{"type":"Recreate"}""", Json(result["spec"]!["strategy"]));
    }

    [Fact]
    public void Retain_keys_works_on_the_items_of_a_merging_list()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"hostPath":{"path":"/srv"},"name":"data"}]}}}}
            """);

        Assert.Equal("""[{"name":"data","hostPath":{"path":"/srv"}}]""", Json(PodSpec(result)["volumes"]));
    }

    [Fact]
    public void Retain_keys_must_list_every_field_the_patch_sets()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":2}}}}"""));
        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void A_list_without_a_merge_strategy_is_replaced()
    {
        var result = Apply("""{"spec":{"template":{"spec":{"tolerations":[{"key":"k3","operator":"Exists"}]}}}}""");

        Assert.Equal("""[{"key":"k3","operator":"Exists"}]""", Json(PodSpec(result)["tolerations"]));
    }

    [Fact]
    public void Unknown_fields_merge_like_a_json_merge_patch()
    {
        var result = StrategicMergePatch.Apply(
            JsonNode.Parse("""{"a":{"b":1,"c":[{"name":"x"}]},"d":1}""")!.AsObject(),
            JsonNode.Parse("""{"a":{"b":2,"c":[{"name":"y"}],"e":{"f":null,"g":1}},"d":null}""")!,
            schema: null);

        Assert.Equal("""{"a":{"b":2,"c":[{"name":"y"}],"e":{"g":1}}}""", Json(result));
    }

    [Fact]
    public void Null_deletes_a_field()
    {
        var result = Apply("""{"metadata":{"labels":{"tier":null}},"spec":{"replicas":null}}""");

        Assert.Equal("""{"app":"web"}""", Json(result["metadata"]!["labels"]));
        Assert.False(result["spec"]!.AsObject().ContainsKey("replicas"));
    }

    [Fact]
    public void Directives_never_reach_the_result()
    {
        var result = Apply("""
            {"spec":{"template":{"spec":{
              "initContainers":[{"name":"init","$setElementOrder/env":[{"name":"X"}],"env":[{"name":"X","value":"1","extra":null}]}],
              "containers":[{"name":"new","env":[{"name":"E","value":"1"}],"$setElementOrder/env":[{"name":"E"}]}],
              "$setElementOrder/volumes":[{"name":"data"}]
            }}}}
            """);

        Assert.DoesNotContain("$", Json(result));
        Assert.Equal("""{"name":"init","env":[{"name":"X","value":"1"}]}""", Json(PodSpec(result)["initContainers"]![0]));
        var added = PodSpec(result)["containers"]!.AsArray().Single(container => (string?)container!["name"] == "new");
        Assert.Equal("""{"name":"new","env":[{"name":"E","value":"1"}]}""", Json(added));
    }

    [Fact]
    public void A_patch_item_without_its_merge_key_is_refused()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1.27"}]}}}}"""));

        Assert.Equal(400, error.Code);
        Assert.Contains("does not contain declared merge key: name", error.Message);
    }

    [Fact]
    public void A_delete_directive_without_its_merge_key_is_refused()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"spec":{"template":{"spec":{"volumes":[{"$patch":"delete"}]}}}}"""));
        Assert.Equal(400, error.Code);
    }

    [Theory]
    [InlineData("""{"metadata":{"labels":{"$patch":"explode"}}}""")]
    [InlineData("""{"spec":{"template":{"spec":{"volumes":[{"name":"data","$patch":"merge"}]}}}}""")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"b"}}""")]
    [InlineData("""{"metadata":{"$setElementOrder/finalizers":"b"}}""")]
    [InlineData("""{"spec":{"strategy":{"$retainKeys":"type"}}}""")]
    public void Malformed_directives_are_refused(string patch) =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => Apply(patch)).Code);

    [Fact]
    public void A_list_of_lists_cannot_merge()
    {
        var error = Assert.Throws<ApiException>(() => Apply("""{"metadata":{"finalizers":[["x"]]}}"""));
        Assert.Equal(422, error.Code);
    }

    [Fact]
    public void A_patch_that_is_not_an_object_is_refused() =>
        Assert.Equal(400, Assert.Throws<ApiException>(() => StrategicMergePatch.Apply([], new JsonArray(), Deployment)).Code);

    [Fact]
    public void Neither_the_original_nor_the_patch_is_changed()
    {
        var original = JsonNode.Parse(Original)!.AsObject();
        var patch = JsonNode.Parse("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"labels":{"tier":null}},
             "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},
               "template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],
                 "containers":[{"name":"app","env":[{"name":"A","$patch":"delete"},{"name":"N","value":"n"}]}]}}}}
            """)!;
        var patchBefore = Json(patch);

        var result = StrategicMergePatch.Apply(original, patch, Deployment);

        Assert.Equal(Compact(Original), Json(original));
        Assert.Equal(patchBefore, Json(patch));
        Assert.Equal("sidecar,app", Names(PodSpec(result)["containers"]));
        Assert.Equal("N,B,C", Names(PodSpec(result)["containers"]![1]!["env"]));
    }

    [Fact]
    public void Fields_keep_their_place_in_the_object()
    {
        var result = Apply("""{"metadata":{"name":"web2","finalizers":["z"]}}""");

        Assert.Equal("name,labels,finalizers", string.Join(",", result["metadata"]!.AsObject().Select(field => field.Key)));
    }
}
