using System.Text.Json.Nodes;
using Google.Protobuf;
using K3s.ApiServer.Wire;
using K3s.ApiServer.Wire.Apps;
using K3s.ApiServer.Wire.Authentication;
using K3s.ApiServer.Wire.Authorization;
using K3s.ApiServer.Wire.Batch;
using K3s.ApiServer.Wire.Core;
using K3s.ApiServer.Wire.IntStr;
using K3s.ApiServer.Wire.Meta;
using K3s.ApiServer.Wire.Rbac;
using K3s.ApiServer.Wire.Resource;
using K3s.ApiServer.Wire.Runtime;

namespace K3s.ApiServer.Tests.Wire;

/// <summary>The kinds kubectl's imperative commands send as protobuf, encoded with the generated messages and decoded to JSON.</summary>
public sealed class WireDecodingTests
{
    private static byte[] Envelope(string apiVersion, string kind, IMessage message) =>
        [.. "k8s\0"u8, .. new Unknown { TypeMeta = new TypeMeta { ApiVersion = apiVersion, Kind = kind }, Raw = message.ToByteString() }.ToByteArray()];

    private static string Decode(string apiVersion, string kind, IMessage message) =>
        ProtobufDecoder.Decode(Envelope(apiVersion, kind, message)).ToJsonString();

    private static IntOrString Number(int value) => new() { Type = 0, IntVal = value };

    private static IntOrString Named(string value) => new() { Type = 1, StrVal = value };

    private static Quantity Quantity(string value) => new() { String = value };

    [Fact]
    public void A_deployment_as_kubectl_create_deployment_sends_it()
    {
        var deployment = new Deployment
        {
            // Go writes a zero metav1.Time as an empty message: JSON null, as upstream's encoder writes it.
            Metadata = new ObjectMeta { Name = "web", Labels = { ["app"] = "web" }, CreationTimestamp = new Time() },
            Spec = new DeploymentSpec
            {
                Replicas = 2,
                Selector = new LabelSelector { MatchLabels = { ["app"] = "web" } },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = { ["app"] = "web" }, CreationTimestamp = new Time() },
                    Spec = new PodSpec { Containers = { new Container { Name = "nginx", Image = "nginx:1.27", Resources = new ResourceRequirements() } } },
                },
                Strategy = new DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new RollingUpdateDeployment { MaxUnavailable = Number(0), MaxSurge = Named("25%") },
                },
                RevisionHistoryLimit = 0,
            },
            Status = new DeploymentStatus(),
        };
        Assert.Equal(
            """{"metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","resources":{}}]}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}},"revisionHistoryLimit":0},"status":{},"apiVersion":"apps/v1","kind":"Deployment"}""",
            Decode("apps/v1", "Deployment", deployment));
    }

    [Fact]
    public void A_service_target_port_is_a_number_or_a_name_by_its_type()
    {
        var service = new Service
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new ServiceSpec
            {
                Type = "ClusterIP",
                Selector = { ["app"] = "web" },
                Ports =
                {
                    new ServicePort { Name = "http", Protocol = "TCP", Port = 80, TargetPort = Named("http-alt") },
                    new ServicePort { Name = "metrics", Protocol = "TCP", Port = 9090, TargetPort = Number(8080) },
                },
                InternalTrafficPolicy = "Cluster",
            },
            Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus() },
        };
        Assert.Equal(
            """{"metadata":{"name":"web"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http-alt"},{"name":"metrics","protocol":"TCP","port":9090,"targetPort":8080}],"selector":{"app":"web"},"type":"ClusterIP","internalTrafficPolicy":"Cluster"},"status":{"loadBalancer":{}},"apiVersion":"v1","kind":"Service"}""",
            Decode("v1", "Service", service));
    }

    [Fact]
    public void A_pod_keeps_quantities_as_strings_and_writes_embedded_structs_inline()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = "ns" },
            Spec = new PodSpec
            {
                Containers =
                {
                    new Container
                    {
                        Name = "main",
                        Image = "busybox",
                        Command = { "sh", "-c", "sleep 1" },
                        Resources = new ResourceRequirements
                        {
                            Limits = { ["cpu"] = Quantity("500m"), ["memory"] = Quantity("128Mi") },
                            Requests = { ["cpu"] = Quantity("250m") },
                        },
                        Env =
                        {
                            new EnvVar { Name = "A", Value = "1" },
                            new EnvVar { Name = "B", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { LocalObjectReference = new LocalObjectReference { Name = "cm" }, Key = "k", Optional = false } } },
                        },
                        VolumeMounts = { new VolumeMount { Name = "data", MountPath = "/data" } },
                        ReadinessProbe = new Probe { Handler = new ProbeHandler { HttpGet = new HTTPGetAction { Path = "/healthz", Port = Named("http") } }, PeriodSeconds = 5 },
                        SecurityContext = new SecurityContext { RunAsNonRoot = true, RunAsUser = 1000, Capabilities = new Capabilities { Drop = { "ALL" } } },
                    },
                },
                Volumes =
                {
                    new Volume { Name = "data", VolumeSource = new VolumeSource { EmptyDir = new EmptyDirVolumeSource { SizeLimit = Quantity("1Gi") } } },
                    new Volume { Name = "config", VolumeSource = new VolumeSource { ConfigMap = new ConfigMapVolumeSource { LocalObjectReference = new LocalObjectReference { Name = "cm" }, DefaultMode = 420 } } },
                },
                RestartPolicy = "Never",
                TerminationGracePeriodSeconds = 0,
                Tolerations = { new Toleration { Key = "k", Operator = "Exists", Effect = "NoSchedule" } },
            },
        };
        Assert.Equal(
            """{"metadata":{"name":"p","namespace":"ns"},"spec":{"volumes":[{"name":"data","emptyDir":{"sizeLimit":"1Gi"}},{"name":"config","configMap":{"name":"cm","defaultMode":420}}],"containers":[{"name":"main","image":"busybox","command":["sh","-c","sleep 1"],"env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"configMapKeyRef":{"name":"cm","key":"k","optional":false}}}],"resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"250m"}},"volumeMounts":[{"name":"data","mountPath":"/data"}],"readinessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":5},"securityContext":{"capabilities":{"drop":["ALL"]},"runAsUser":1000,"runAsNonRoot":true}}],"restartPolicy":"Never","terminationGracePeriodSeconds":0,"tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}]},"apiVersion":"v1","kind":"Pod"}""",
            Decode("v1", "Pod", pod));
    }

    [Fact]
    public void A_job_as_kubectl_create_job_sends_it()
    {
        var job = new Job
        {
            Metadata = new ObjectMeta { Name = "once", CreationTimestamp = new Time() },
            Spec = new JobSpec
            {
                BackoffLimit = 0,
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { CreationTimestamp = new Time() },
                    Spec = new PodSpec
                    {
                        Containers = { new Container { Name = "once", Image = "busybox", Command = { "echo", "hi" }, Resources = new ResourceRequirements() } },
                        RestartPolicy = "Never",
                    },
                },
            },
            Status = new JobStatus(),
        };
        Assert.Equal(
            """{"metadata":{"name":"once","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"once","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}},"backoffLimit":0},"status":{},"apiVersion":"batch/v1","kind":"Job"}""",
            Decode("batch/v1", "Job", job));
    }

    [Fact]
    public void A_cronjob_carries_its_job_template()
    {
        var cronJob = new CronJob
        {
            Metadata = new ObjectMeta { Name = "tick" },
            Spec = new CronJobSpec
            {
                Schedule = "*/1 * * * *",
                JobTemplate = new JobTemplateSpec
                {
                    Metadata = new ObjectMeta { Name = "tick" },
                    Spec = new JobSpec { Template = new PodTemplateSpec { Spec = new PodSpec { Containers = { new Container { Name = "tick", Image = "busybox" } }, RestartPolicy = "OnFailure" } } },
                },
            },
        };
        Assert.Equal(
            """{"metadata":{"name":"tick"},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"tick"},"spec":{"template":{"spec":{"containers":[{"name":"tick","image":"busybox"}],"restartPolicy":"OnFailure"}}}}},"apiVersion":"batch/v1","kind":"CronJob"}""",
            Decode("batch/v1", "CronJob", cronJob));
    }

    [Fact]
    public void Roles_and_bindings_decode()
    {
        var role = new Role { Metadata = new ObjectMeta { Name = "reader" }, Rules = { new PolicyRule { Verbs = { "get", "list" }, ApiGroups = { "" }, Resources = { "pods" } } } };
        Assert.Equal(
            """{"metadata":{"name":"reader"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}],"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role"}""",
            Decode("rbac.authorization.k8s.io/v1", "Role", role));

        var clusterRole = new ClusterRole
        {
            Metadata = new ObjectMeta { Name = "aggregate" },
            Rules = { new PolicyRule { Verbs = { "get" }, NonResourceURLs = { "/healthz" } } },
            AggregationRule = new AggregationRule { ClusterRoleSelectors = { new LabelSelector { MatchLabels = { ["aggregate"] = "true" } } } },
        };
        Assert.Equal(
            """{"metadata":{"name":"aggregate"},"rules":[{"verbs":["get"],"nonResourceURLs":["/healthz"]}],"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"aggregate":"true"}}]},"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole"}""",
            Decode("rbac.authorization.k8s.io/v1", "ClusterRole", clusterRole));

        var binding = new RoleBinding
        {
            Metadata = new ObjectMeta { Name = "read" },
            Subjects = { new Subject { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = "alice" }, new Subject { Kind = "ServiceAccount", Name = "robot", Namespace = "ns" } },
            RoleRef = new RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "reader" },
        };
        Assert.Equal(
            """{"metadata":{"name":"read"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"ServiceAccount","name":"robot","namespace":"ns"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"},"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding"}""",
            Decode("rbac.authorization.k8s.io/v1", "RoleBinding", binding));
    }

    [Fact]
    public void A_self_subject_access_review_as_kubectl_auth_can_i_sends_it()
    {
        var review = new SelfSubjectAccessReview
        {
            Metadata = new ObjectMeta { CreationTimestamp = new Time() },
            Spec = new SelfSubjectAccessReviewSpec { ResourceAttributes = new ResourceAttributes { Namespace = "default", Verb = "create", Resource = "deployments", Group = "apps" } },
            Status = new SubjectAccessReviewStatus { Allowed = false },
        };
        Assert.Equal(
            """{"metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"default","verb":"create","group":"apps","resource":"deployments"}},"status":{},"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview"}""",
            Decode("authorization.k8s.io/v1", "SelfSubjectAccessReview", review));

        var nonResource = new SelfSubjectAccessReview { Spec = new SelfSubjectAccessReviewSpec { NonResourceAttributes = new NonResourceAttributes { Path = "/logs", Verb = "get" } } };
        Assert.Equal(
            """{"spec":{"nonResourceAttributes":{"path":"/logs","verb":"get"}},"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview"}""",
            Decode("authorization.k8s.io/v1", "SelfSubjectAccessReview", nonResource));
    }

    [Fact]
    public void A_self_subject_review_as_kubectl_auth_whoami_sends_it_and_extra_values_are_arrays()
    {
        Assert.Equal(
            """{"metadata":{"creationTimestamp":null},"status":{"userInfo":{}},"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""",
            Decode("authentication.k8s.io/v1", "SelfSubjectReview", new SelfSubjectReview { Metadata = new ObjectMeta { CreationTimestamp = new Time() }, Status = new SelfSubjectReviewStatus { UserInfo = new UserInfo() } }));

        var answered = new SelfSubjectReview
        {
            Status = new SelfSubjectReviewStatus
            {
                UserInfo = new UserInfo { Username = "admin", Groups = { "system:masters" }, Extra = { ["scopes"] = new K3s.ApiServer.Wire.Authentication.ExtraValue { Items = { "a", "b" } } } },
            },
        };
        Assert.Equal(
            """{"status":{"userInfo":{"username":"admin","groups":["system:masters"],"extra":{"scopes":["a","b"]}}},"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""",
            Decode("authentication.k8s.io/v1", "SelfSubjectReview", answered));
    }

    [Fact]
    public void Service_accounts_statefulsets_and_daemonsets_decode()
    {
        Assert.Equal(
            """{"metadata":{"name":"robot"},"automountServiceAccountToken":false,"apiVersion":"v1","kind":"ServiceAccount"}""",
            Decode("v1", "ServiceAccount", new ServiceAccount { Metadata = new ObjectMeta { Name = "robot" }, AutomountServiceAccountToken = false }));

        var statefulSet = new StatefulSet
        {
            Metadata = new ObjectMeta { Name = "db" },
            Spec = new StatefulSetSpec
            {
                Replicas = 1,
                ServiceName = "db",
                VolumeClaimTemplates =
                {
                    new PersistentVolumeClaim
                    {
                        Metadata = new ObjectMeta { Name = "data" },
                        Spec = new PersistentVolumeClaimSpec { AccessModes = { "ReadWriteOnce" }, Resources = new VolumeResourceRequirements { Requests = { ["storage"] = Quantity("1Gi") } } },
                    },
                },
                UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = 0 } },
            },
        };
        Assert.Equal(
            """{"metadata":{"name":"db"},"spec":{"replicas":1,"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}],"serviceName":"db","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}}},"apiVersion":"apps/v1","kind":"StatefulSet"}""",
            Decode("apps/v1", "StatefulSet", statefulSet));

        var daemonSet = new DaemonSet
        {
            Metadata = new ObjectMeta { Name = "agent" },
            Spec = new DaemonSetSpec { UpdateStrategy = new DaemonSetUpdateStrategy { RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = Number(1), MaxSurge = Number(0) } } },
        };
        Assert.Equal(
            """{"metadata":{"name":"agent"},"spec":{"updateStrategy":{"rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}},"apiVersion":"apps/v1","kind":"DaemonSet"}""",
            Decode("apps/v1", "DaemonSet", daemonSet));
    }

    [Fact]
    public void Bytes_as_Go_writes_them_decode_too()
    {
        // Go's gogo encoder writes proto2: every non-pointer scalar even when zero, repeated scalars
        // unpacked, and a zero metav1.Time as an empty message. A ServicePort {port: 80,
        // targetPort: 8080} and a container port list, written that way by hand:
        var targetPort = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.Varint); w.WriteInt64(0);
            w.WriteTag(2, WireFormat.WireType.Varint); w.WriteInt32(8080);
            w.WriteTag(3, WireFormat.WireType.LengthDelimited); w.WriteString("");
        });
        var port = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("");
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString("TCP");
            w.WriteTag(3, WireFormat.WireType.Varint); w.WriteInt32(80);
            w.WriteTag(4, WireFormat.WireType.LengthDelimited); w.WriteBytes(targetPort);
            w.WriteTag(5, WireFormat.WireType.Varint); w.WriteInt32(0);
        });
        var metadata = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("web");
            w.WriteTag(8, WireFormat.WireType.LengthDelimited); w.WriteBytes(ByteString.Empty);
        });
        var spec = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(port);
            w.WriteTag(4, WireFormat.WireType.LengthDelimited); w.WriteString("ClusterIP");
        });
        var service = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteBytes(metadata);
            w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteBytes(spec);
        });
        byte[] body = [.. "k8s\0"u8, .. new Unknown { TypeMeta = new TypeMeta { ApiVersion = "v1", Kind = "Service" }, Raw = service }.ToByteArray()];
        Assert.Equal(
            """{"metadata":{"name":"web","creationTimestamp":null},"spec":{"ports":[{"protocol":"TCP","port":80,"targetPort":8080}],"type":"ClusterIP"},"apiVersion":"v1","kind":"Service"}""",
            ProtobufDecoder.Decode(body).ToJsonString());

        var exitCodes = Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("In");
            foreach (var code in new[] { 1, 2 })
            {
                w.WriteTag(2, WireFormat.WireType.Varint); w.WriteInt32(code);
            }
        });
        Assert.Equal([1, 2], ContainerRestartRuleOnExitCodes.Parser.ParseFrom(exitCodes).Values);
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ns")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(150_000_000L, "150ms")]
    [InlineData(3_000_000_000L, "3s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(3_723_500_000_000L, "1h2m3.5s")]
    [InlineData(-2_000_000_000L, "-2s")]
    public void Durations_are_written_as_Go_writes_them(long nanoseconds, string expected) =>
        Assert.Equal(expected, ProtobufDecoder.GoDuration(nanoseconds));

    [Fact]
    public void Every_kind_kubectl_creates_is_in_the_table()
    {
        foreach (var (apiVersion, kind) in new[]
        {
            ("v1", "Pod"), ("v1", "Service"), ("v1", "ServiceAccount"), ("v1", "Endpoints"), ("v1", "Event"), ("v1", "PodTemplate"),
            ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"),
            ("batch/v1", "Job"), ("batch/v1", "CronJob"),
            ("rbac.authorization.k8s.io/v1", "Role"), ("rbac.authorization.k8s.io/v1", "ClusterRole"),
            ("rbac.authorization.k8s.io/v1", "RoleBinding"), ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
            ("authorization.k8s.io/v1", "SelfSubjectAccessReview"), ("authentication.k8s.io/v1", "SelfSubjectReview"),
        })
        {
            var json = ProtobufDecoder.Decode([.. "k8s\0"u8, .. new Unknown { TypeMeta = new TypeMeta { ApiVersion = apiVersion, Kind = kind } }.ToByteArray()]);
            Assert.Equal(kind, (string?)json["kind"]);
        }
    }

    [Fact]
    public void Decoded_numbers_read_as_any_width_as_a_JSON_body_s_do()
    {
        var service = new Service { Spec = new ServiceSpec { Ports = { new ServicePort { Port = 80, TargetPort = Number(8080) } } } };
        var port = ProtobufDecoder.Decode(Envelope("v1", "Service", service))["spec"]!["ports"]![0]!;
        Assert.True(port["port"]!.AsValue().TryGetValue<long>(out var wide) && wide == 80);
        Assert.True(port["targetPort"]!.AsValue().TryGetValue<int>(out var narrow) && narrow == 8080);
    }

    [Fact]
    public void An_event_with_a_micro_time()
    {
        var item = new Event
        {
            Metadata = new ObjectMeta { Name = "e" },
            InvolvedObject = new ObjectReference { Kind = "Pod", Name = "p" },
            Reason = "Started",
            EventTime = new MicroTime { Seconds = 1_700_000_000, Nanos = 123_456_000 },
            FirstTimestamp = new Time(),
        };
        var json = JsonNode.Parse(Decode("v1", "Event", item))!;
        Assert.Equal("2023-11-14T22:13:20.123456Z", (string?)json["eventTime"]);
        Assert.Null(json["firstTimestamp"]);
        Assert.True(json.AsObject().ContainsKey("firstTimestamp"));
    }
}
