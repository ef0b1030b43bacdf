package main

// A hand-written SchemaVersion type: only the fields the peer reads or writes. Fields it does not
// know are dropped when decoding into the cache; status writes are merge patches of the fields
// that changed (client.MergeFrom), so they never erase what the peer does not model.

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var groupVersion = schema.GroupVersion{Group: "retort.dev", Version: "v1alpha1"}

type SecretRef struct {
	Name string `json:"name,omitempty"`
	Key  string `json:"key,omitempty"`
}

type Spec struct {
	TargetRevision string `json:"targetRevision"`
	Database       struct {
		SecretRef SecretRef `json:"secretRef"`
	} `json:"database"`
	Migrations struct {
		Image string `json:"image,omitempty"`
		Path  string `json:"path,omitempty"`
	} `json:"migrations"`
	Backup struct {
		Mode      string `json:"mode,omitempty"`
		ClaimName string `json:"claimName,omitempty"`
		Keep      int    `json:"keep,omitempty"`
	} `json:"backup"`
	Suspend            bool   `json:"suspend,omitempty"`
	DriftCheckInterval string `json:"driftCheckInterval,omitempty"`
	Job                struct {
		BackoffLimit            *int32 `json:"backoffLimit,omitempty"`
		ActiveDeadlineSeconds   *int64 `json:"activeDeadlineSeconds,omitempty"`
		TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty"`
		ServiceAccountName      string `json:"serviceAccountName,omitempty"`
	} `json:"job"`
}

type LastRun struct {
	JobName        string `json:"jobName,omitempty"`
	StartTime      string `json:"startTime,omitempty"`
	CompletionTime string `json:"completionTime,omitempty"`
	Outcome        string `json:"outcome,omitempty"`
	Reason         string `json:"reason,omitempty"`
	Message        string `json:"message"`
}

type Status struct {
	ObservedGeneration int64              `json:"observedGeneration,omitempty"`
	CurrentRevisions   []string           `json:"currentRevisions,omitempty"`
	TargetRevisions    []string           `json:"targetRevisions,omitempty"`
	LastRun            *LastRun           `json:"lastRun,omitempty"`
	Conditions         []metav1.Condition `json:"conditions,omitempty"`
}

type SchemaVersion struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              Spec   `json:"spec"`
	Status            Status `json:"status,omitempty"`
}

type SchemaVersionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SchemaVersion `json:"items"`
}

func (in *SchemaVersion) DeepCopyInto(out *SchemaVersion) {
	*out = *in
	in.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	if in.Spec.Job.BackoffLimit != nil {
		v := *in.Spec.Job.BackoffLimit
		out.Spec.Job.BackoffLimit = &v
	}
	if in.Spec.Job.ActiveDeadlineSeconds != nil {
		v := *in.Spec.Job.ActiveDeadlineSeconds
		out.Spec.Job.ActiveDeadlineSeconds = &v
	}
	if in.Spec.Job.TTLSecondsAfterFinished != nil {
		v := *in.Spec.Job.TTLSecondsAfterFinished
		out.Spec.Job.TTLSecondsAfterFinished = &v
	}
	out.Status.CurrentRevisions = append([]string(nil), in.Status.CurrentRevisions...)
	out.Status.TargetRevisions = append([]string(nil), in.Status.TargetRevisions...)
	if in.Status.LastRun != nil {
		run := *in.Status.LastRun
		out.Status.LastRun = &run
	}
	if in.Status.Conditions != nil {
		out.Status.Conditions = make([]metav1.Condition, len(in.Status.Conditions))
		for i := range in.Status.Conditions {
			in.Status.Conditions[i].DeepCopyInto(&out.Status.Conditions[i])
		}
	}
}

func (in *SchemaVersion) DeepCopy() *SchemaVersion {
	out := &SchemaVersion{}
	in.DeepCopyInto(out)
	return out
}

func (in *SchemaVersion) DeepCopyObject() runtime.Object { return in.DeepCopy() }

func (in *SchemaVersionList) DeepCopyObject() runtime.Object {
	out := &SchemaVersionList{TypeMeta: in.TypeMeta}
	in.ListMeta.DeepCopyInto(&out.ListMeta)
	out.Items = make([]SchemaVersion, len(in.Items))
	for i := range in.Items {
		in.Items[i].DeepCopyInto(&out.Items[i])
	}
	return out
}

func addToScheme(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(groupVersion, &SchemaVersion{}, &SchemaVersionList{})
	metav1.AddToGroupVersion(scheme, groupVersion)
	return nil
}
