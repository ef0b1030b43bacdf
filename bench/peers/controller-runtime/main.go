// schemaversion-peer: a minimal controller-runtime SchemaVersion controller, the yardstick that
// bench/operator/run.sh --peer measures `retort controller` against (README.md: what it is and is
// not). It does the Kubernetes half of Retort's work and no database access.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// The same labels and annotations as Retort's Jobs (controller/operator/schema_version/
// job_builder.hpp): the benchmark's objects and watches see no difference.
const (
	managedByLabel         = "app.kubernetes.io/managed-by"
	managedByValue         = "retort-controller"
	schemaVersionUIDLabel  = "retort.dev/schemaversion-uid"
	generationAnnotation   = "retort.dev/generation"
	fromRevisionsAnnotaion = "retort.dev/from-revisions"
	defaultDriftInterval   = 5 * time.Minute // the CRD's default driftCheckInterval
)

// jobName is Retort's migrationJobName for an apply move (no plan attempt, not plan-only):
// <name>-g<generation>-<first 10 hex digits of FNV-1a-64 of the sorted from-revisions joined by
// ",">, the name cut so the whole stays within 63 characters.
func jobName(name string, generation int64, from []string) string {
	sorted := append([]string(nil), from...)
	sort.Strings(sorted)
	hash := uint64(14695981039346656037)
	for _, c := range []byte(strings.Join(sorted, ",")) {
		hash ^= uint64(c)
		hash *= 1099511628211
	}
	suffix := fmt.Sprintf("-g%d-%s", generation, fmt.Sprintf("%016x", hash)[:10])
	prefix := name
	if len(prefix) > 63-len(suffix) {
		prefix = prefix[:63-len(suffix)]
	}
	prefix = strings.ReplaceAll(strings.TrimRight(prefix, "-."), ".", "-")
	return prefix + suffix
}

func sameRevisions(a, b []string) bool {
	x, y := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, ",") == strings.Join(y, ",")
}

func describe(revisions []string) string {
	if len(revisions) == 0 {
		return "base"
	}
	return strings.Join(revisions, ", ")
}

type reconciler struct {
	client.Client
	secrets  client.Reader // the cache (controller-runtime's default) or the API server
	recorder record.EventRecorder
}

type conditionSetter struct {
	status     *Status
	generation int64
}

func (s conditionSetter) set(kind string, value bool, reason, message string) {
	status := metav1.ConditionFalse
	if value {
		status = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&s.status.Conditions, metav1.Condition{Type: kind, Status: status,
		Reason: reason, Message: message, ObservedGeneration: s.generation})
}

// progressing and stalled: Retort's setProgressing and setStalled (decide.cpp).
func (s conditionSetter) progressing(reason, message string) {
	s.set("Reconciling", true, reason, message)
	s.set("Ready", false, reason, message)
	s.set("Stalled", false, reason, "")
}

func (s conditionSetter) stalled(reason, message string) {
	s.set("Stalled", true, reason, message)
	s.set("Ready", false, reason, message)
	s.set("Reconciling", false, "Stalled", "")
}

func (r *reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	log := ctrl.LoggerFrom(ctx)
	var sv SchemaVersion
	if err := r.Get(ctx, req.NamespacedName, &sv); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	interval := defaultDriftInterval
	if d, err := time.ParseDuration(sv.Spec.DriftCheckInterval); err == nil && d > 0 {
		interval = d
	}
	// The Kubernetes half of Retort's drift check: read the database Secret. Retort then reads
	// the database's heads; the peer does not (no database access).
	if r.secrets != nil && sv.Spec.Database.SecretRef.Name != "" {
		var secret corev1.Secret
		key := types.NamespacedName{Namespace: sv.Namespace, Name: sv.Spec.Database.SecretRef.Name}
		if err := r.secrets.Get(ctx, key, &secret); err != nil {
			log.Info("database Secret unreadable", "error", err.Error())
		}
	}

	before := sv.DeepCopy()
	st := &sv.Status
	set := conditionSetter{st, sv.Generation}
	now := time.Now().UTC().Format(time.RFC3339)
	name := jobName(sv.Name, sv.Generation, st.CurrentRevisions)
	targetKnown := st.ObservedGeneration == sv.Generation && len(st.TargetRevisions) > 0
	needsMove := st.ObservedGeneration != sv.Generation ||
		(targetKnown && !sameRevisions(st.CurrentRevisions, st.TargetRevisions))
	attempted := st.LastRun != nil && st.LastRun.JobName == name
	final := attempted && st.LastRun.Outcome != "" && st.LastRun.Outcome != "Running"

	var job batchv1.Job
	err := r.Get(ctx, types.NamespacedName{Namespace: sv.Namespace, Name: name}, &job)
	if err != nil && !apierrors.IsNotFound(err) {
		return reconcile.Result{}, err
	}
	switch {
	case err == nil: // the move's Job exists: its state is the move's
		r.observeJob(ctx, &sv, &job, set, now)
	case !needsMove || final:
		settled := st.LastRun == nil || st.LastRun.Outcome == "Succeeded" ||
			st.LastRun.Outcome == "NothingToDo"
		if !needsMove && settled && !meta.IsStatusConditionTrue(st.Conditions, "Ready") {
			set.set("Ready", true, "UpToDate", "database at target "+describe(st.TargetRevisions))
			set.set("Reconciling", false, "UpToDate", "")
			set.set("Stalled", false, "UpToDate", "")
		}
	case sv.Spec.Suspend:
		set.set("Ready", false, "Suspended", "spec.suspend is true: not starting the move to "+
			sv.Spec.TargetRevision)
		set.set("Reconciling", false, "Suspended", "")
		set.set("Stalled", false, "Suspended", "")
	default:
		job := migrationJob(&sv, name)
		if err := r.Create(ctx, job); err != nil && !apierrors.IsAlreadyExists(err) {
			return reconcile.Result{}, err
		}
		st.LastRun = &LastRun{JobName: name, StartTime: now, Outcome: "Running", Reason: "JobCreated"}
		set.progressing("Migrating", "Job "+name+" is migrating the database")
		r.recorder.Eventf(&sv, corev1.EventTypeNormal, "JobCreated", "created Job %s to move from %s to %s",
			name, describe(st.CurrentRevisions), sv.Spec.TargetRevision)
	}
	if !equality.Semantic.DeepEqual(before.Status, sv.Status) {
		if err := r.Status().Patch(ctx, &sv, client.MergeFrom(before)); err != nil {
			return reconcile.Result{}, err
		}
	}
	return reconcile.Result{RequeueAfter: interval}, nil
}

// observeJob: Running, Complete or Failed, with what the pod's termination message reports
// (Retort's `retort run --report /dev/termination-log`: outcome, from, to, target).
func (r *reconciler) observeJob(ctx context.Context, sv *SchemaVersion, job *batchv1.Job,
	set conditionSetter, now string) {
	st := &sv.Status
	running := st.LastRun != nil && st.LastRun.JobName == job.Name && st.LastRun.Outcome == "Running"
	finished := func(kind batchv1.JobConditionType) bool {
		for _, c := range job.Status.Conditions {
			if c.Type == kind && c.Status == corev1.ConditionTrue {
				return true
			}
		}
		return false
	}
	var report struct {
		Outcome, Message string
		To, Target       []string
	}
	var pods corev1.PodList
	if err := r.List(ctx, &pods, client.InNamespace(job.Namespace),
		client.MatchingLabels{"batch.kubernetes.io/job-name": job.Name}); err == nil {
		for _, pod := range pods.Items {
			for _, c := range pod.Status.ContainerStatuses {
				if c.Name == "retort" && c.State.Terminated != nil {
					_ = json.Unmarshal([]byte(c.State.Terminated.Message), &report)
				}
			}
		}
	}
	start := now
	if job.Status.StartTime != nil {
		start = job.Status.StartTime.UTC().Format(time.RFC3339)
	}
	switch {
	case finished(batchv1.JobComplete) || finished(batchv1.JobSuccessCriteriaMet):
		if report.Outcome == "" {
			report.Outcome = "Succeeded"
		}
		if len(report.Target) > 0 {
			st.TargetRevisions = report.Target
		}
		if len(report.To) > 0 {
			st.CurrentRevisions = report.To
		}
		if len(st.TargetRevisions) == 0 {
			st.TargetRevisions = st.CurrentRevisions
		}
		st.ObservedGeneration = sv.Generation
		if running || st.LastRun == nil || st.LastRun.JobName != job.Name {
			st.LastRun = &LastRun{JobName: job.Name, StartTime: start, CompletionTime: now,
				Outcome: report.Outcome, Reason: report.Outcome}
		}
		set.set("Ready", true, report.Outcome, "database at target "+describe(st.TargetRevisions))
		set.set("Reconciling", false, report.Outcome, "")
		set.set("Stalled", false, report.Outcome, "")
	case finished(batchv1.JobFailed) || finished(batchv1.JobFailureTarget):
		message := report.Message
		if message == "" {
			message = "Job " + job.Name + " failed"
		}
		st.ObservedGeneration = sv.Generation
		if running || st.LastRun == nil || st.LastRun.JobName != job.Name {
			st.LastRun = &LastRun{JobName: job.Name, StartTime: start, CompletionTime: now,
				Outcome: "Failed", Reason: "MigrationFailed", Message: message}
			r.recorder.Event(sv, corev1.EventTypeWarning, "Stalled", message)
		}
		set.stalled("MigrationFailed", message)
	default:
		if !running {
			st.LastRun = &LastRun{JobName: job.Name, StartTime: start, Outcome: "Running",
				Reason: "JobRunning"}
		}
		set.progressing("Migrating", "Job "+job.Name+" is migrating the database")
	}
}

// migrationJob: the Job Retort's buildMigrationJob makes for a plain apply move (no Alembic
// bundle, no backup volume, no ConfigMap scripts), with the CRD's defaults.
func migrationJob(sv *SchemaVersion, name string) *batchv1.Job {
	spec := sv.Spec
	path := spec.Migrations.Path
	if path == "" {
		path = "/migrations"
	}
	key := spec.Database.SecretRef.Key
	if key == "" {
		key = "uri"
	}
	backup := map[string]string{"Required": "required", "IfPossible": "if-possible",
		"Disabled": "disabled"}[spec.Backup.Mode]
	if backup == "" {
		backup = "required"
	}
	jobLabels := map[string]string{managedByLabel: managedByValue, "app.kubernetes.io/name": "retort",
		"app.kubernetes.io/component": "migration", schemaVersionUIDLabel: string(sv.UID)}
	backoff, deadline, ttl := int32(2), int64(3600), int32(86400)
	if spec.Job.BackoffLimit != nil {
		backoff = *spec.Job.BackoffLimit
	}
	if spec.Job.ActiveDeadlineSeconds != nil {
		deadline = *spec.Job.ActiveDeadlineSeconds
	}
	if spec.Job.TTLSecondsAfterFinished != nil {
		ttl = *spec.Job.TTLSecondsAfterFinished
	}
	yes, no, uid := true, false, int64(65532)
	seccomp := &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: sv.Namespace, Labels: jobLabels,
			Annotations: map[string]string{generationAnnotation: strconv.FormatInt(sv.Generation, 10),
				fromRevisionsAnnotaion: strings.Join(sv.Status.CurrentRevisions, ",")},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: groupVersion.String(),
				Kind: "SchemaVersion", Name: sv.Name, UID: sv.UID, Controller: &yes,
				BlockOwnerDeletion: &yes}}},
		Spec: batchv1.JobSpec{
			BackoffLimit: &backoff, ActiveDeadlineSeconds: &deadline, TTLSecondsAfterFinished: &ttl,
			PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
				{Action: batchv1.PodFailurePolicyActionFailJob,
					OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
						ContainerName: ptr("retort"), Operator: batchv1.PodFailurePolicyOnExitCodesOpIn,
						Values: []int32{1, 2, 3, 4, 6}}},
				{Action: batchv1.PodFailurePolicyActionIgnore,
					OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
						{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}}}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: jobLabels},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever, AutomountServiceAccountToken: &no,
					ServiceAccountName: spec.Job.ServiceAccountName,
					SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &yes, RunAsUser: &uid,
						RunAsGroup: &uid, FSGroup: &uid, SeccompProfile: seccomp},
					Containers: []corev1.Container{{
						Name: "retort", Image: spec.Migrations.Image, Command: []string{"retort"},
						Args: []string{"-d", path, "--lock-timeout", "2000ms", "--lock-retries", "5",
							"run", "--backup", backup, "--report", "/dev/termination-log",
							"--run-id", name, "--", spec.TargetRevision},
						Env: []corev1.EnvVar{{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{
							SecretKeyRef: &corev1.SecretKeySelector{
								LocalObjectReference: corev1.LocalObjectReference{Name: spec.Database.SecretRef.Name},
								Key:                  key}}}},
						TerminationMessagePath:   "/dev/termination-log",
						TerminationMessagePolicy: corev1.TerminationMessageReadFile,
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no,
							ReadOnlyRootFilesystem: &yes, RunAsNonRoot: &yes,
							Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							SeccompProfile: seccomp},
						VolumeMounts: []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
					}},
					Volumes: []corev1.Volume{{Name: "tmp",
						VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				}}}}
}

func ptr[T any](v T) *T { return &v }

func main() {
	namespace := flag.String("namespace", "", "watch only this namespace (empty: all)")
	metricsAddr := flag.String("metrics-bind-address", "127.0.0.1:8080", "Prometheus /metrics, 0 to disable")
	probeAddr := flag.String("health-probe-bind-address", "0", "healthz/readyz, 0 to disable")
	workers := flag.Int("workers", 2, "concurrent reconciles (Retort's --workers default is 2)")
	secretReads := flag.String("secret-reads", "cache",
		"how each pass reads the database Secret: cache (the manager's client, controller-runtime's "+
			"default: a Secret informer), api (a GET each pass, as Retort's drift check) or none")
	qps := flag.Float64("kube-api-qps", 0, "client QPS (0: controller-runtime's default, 20)")
	burst := flag.Int("kube-api-burst", 0, "client burst (0: controller-runtime's default, 30)")
	flag.Parse()
	ctrl.SetLogger(zap.New())
	log := ctrl.Log.WithName("schemaversion-peer")

	// --kubeconfig is controller-runtime's own flag (then $KUBECONFIG, then in-cluster); its
	// client defaults are QPS 20, burst 30.
	config, err := ctrl.GetConfig()
	if err != nil {
		log.Error(err, "kubeconfig")
		os.Exit(1)
	}
	if *qps > 0 {
		config.QPS = float32(*qps)
	}
	if *burst > 0 {
		config.Burst = *burst
	}
	config.UserAgent = "schemaversion-peer"
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = addToScheme(scheme)
	ours := labels.SelectorFromSet(labels.Set{managedByLabel: managedByValue})
	options := ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: *metricsAddr},
		HealthProbeBindAddress: *probeAddr,
		Cache: cache.Options{
			// As Retort: watch only the Jobs and pods it labels, and cache no managedFields.
			ByObject: map[client.Object]cache.ByObject{
				&batchv1.Job{}: {Label: ours}, &corev1.Pod{}: {Label: ours}},
			DefaultTransform: cache.TransformStripManagedFields(),
		},
	}
	if *namespace != "" {
		options.Cache.DefaultNamespaces = map[string]cache.Config{*namespace: {}}
	}
	mgr, err := ctrl.NewManager(config, options)
	if err != nil {
		log.Error(err, "manager")
		os.Exit(1)
	}
	r := &reconciler{Client: mgr.GetClient(), recorder: mgr.GetEventRecorderFor("retort-controller")} //nolint:staticcheck
	switch *secretReads {
	case "cache":
		r.secrets = mgr.GetClient()
	case "api":
		r.secrets = mgr.GetAPIReader()
	case "none":
	default:
		log.Error(nil, "--secret-reads must be cache, api or none")
		os.Exit(2)
	}
	// A pod maps to its Job's SchemaVersion: the Job's controller reference, read from the cache.
	podToSchemaVersion := handler.EnqueueRequestsFromMapFunc(
		func(ctx context.Context, pod client.Object) []reconcile.Request {
			var job batchv1.Job
			key := types.NamespacedName{Namespace: pod.GetNamespace(),
				Name: pod.GetLabels()["batch.kubernetes.io/job-name"]}
			if key.Name == "" || mgr.GetClient().Get(ctx, key, &job) != nil {
				return nil
			}
			if owner := metav1.GetControllerOf(&job); owner != nil && owner.Kind == "SchemaVersion" {
				return []reconcile.Request{{NamespacedName: types.NamespacedName{
					Namespace: job.Namespace, Name: owner.Name}}}
			}
			return nil
		})
	err = ctrl.NewControllerManagedBy(mgr).
		For(&SchemaVersion{}).
		Owns(&batchv1.Job{}).
		Watches(&corev1.Pod{}, podToSchemaVersion).
		Named("schemaversion").
		WithOptions(controller.Options{MaxConcurrentReconciles: *workers}).
		Complete(r)
	if err != nil {
		log.Error(err, "controller")
		os.Exit(1)
	}
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "manager stopped")
		os.Exit(1)
	}
}
