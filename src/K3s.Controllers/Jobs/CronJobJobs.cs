using System.Globalization;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Jobs;

/// <summary>The Jobs a CronJob creates, named and annotated as upstream's: one name per scheduled minute, so a time runs once.</summary>
public static class CronJobJobs
{
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>&lt;cronjob&gt;-&lt;scheduled time in minutes since the Unix epoch&gt;.</summary>
    public static string NameFor(V1CronJob cronJob, DateTime scheduled) =>
        $"{cronJob.Metadata.Name}-{(long)(scheduled.ToUniversalTime() - DateTime.UnixEpoch).TotalMinutes}";

    public static V1Job NewJob(V1CronJob cronJob, DateTime scheduled, TimeZoneInfo zone)
    {
        var template = ModelCopies.DeepCopy(cronJob.Spec.JobTemplate);
        var annotations = template.Metadata?.Annotations is { } templateAnnotations ? new Dictionary<string, string>(templateAnnotations) : [];
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(scheduled.ToUniversalTime(), DateTimeKind.Utc), zone);
        var offset = zone.GetUtcOffset(local);
        annotations[ScheduledTimestampAnnotation] = new DateTimeOffset(local, offset).ToString(
            offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = NameFor(cronJob, scheduled),
                NamespaceProperty = cronJob.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels,
                Annotations = annotations,
                OwnerReferences = [OwnerReferences.ControllerReference(cronJob, "batch/v1", "CronJob")],
            },
            Spec = template.Spec,
        };
    }

    public static V1ObjectReference Reference(V1Job job) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Name = job.Metadata.Name,
        NamespaceProperty = job.Metadata.NamespaceProperty,
        Uid = job.Metadata.Uid,
        ResourceVersion = job.Metadata.ResourceVersion,
    };
}
