{{/* The business modules and whom each calls (the code's ModuleId graph; HelmChartTests keeps them equal). */}}
{{- define "microposts.modules" -}}
accounts: []
posts: [accounts]
social: [accounts]
timeline: [accounts, posts]
{{- end }}

{{- define "microposts.fullname" -}}
{{- if contains "microposts" .Release.Name }}{{ .Release.Name | trunc 40 | trimSuffix "-" }}{{ else }}{{ printf "%s-microposts" .Release.Name | trunc 40 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "microposts.selectorLabels" -}}
app.kubernetes.io/name: microposts
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "microposts.labels" -}}
{{ include "microposts.selectorLabels" . }}
app.kubernetes.io/part-of: microposts
app.kubernetes.io/version: {{ include "microposts.tag" .root | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{- define "microposts.tag" -}}
{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "microposts.image" -}}
{{ printf "%s:%s" .Values.image.repository (include "microposts.tag" .) }}
{{- end }}

{{- define "microposts.secretName" -}}
{{ .Values.secrets.name | default (printf "%s-microposts" .Release.Name) }}
{{- end }}

{{- define "microposts.kafkaName" -}}
{{ include "microposts.fullname" . }}-kafka
{{- end }}

{{/*
The processes of the topology, as YAML: for each, its name, the modules it runs (modules: "" is
every module), where each module it calls runs when not here (remote: module -> process), whether
it has a database of its own, Kafka, the internal token, and whether it is the entry point; while a
module is extracted (migration.phase: extracting), the module (extracting) and the databases'
logical replication (logical).
*/}}
{{- define "microposts.processes" -}}
{{- $graph := include "microposts.modules" . | fromYaml }}
{{- $all := keys $graph | sortAlpha }}
{{- $where := dict }}
{{- $processes := list }}
{{- if eq .Values.topology "monolith" }}
{{- $processes = append $processes (dict "name" "monolith" "modules" "" "runs" $all "database" true "kafka" false "internalToken" false "entry" true) }}
{{- else if eq .Values.topology "microservices" }}
{{- range $all }}
{{- $_ := set $where . . }}
{{- $processes = append $processes (dict "name" . "modules" . "runs" (list .) "database" true "kafka" true "internalToken" true "entry" false) }}
{{- end }}
{{- else if eq .Values.topology "migration" }}
{{- $extracted := .Values.migration.extracted }}
{{- if not (hasKey $graph $extracted) }}
{{- fail (printf "migration.extracted must be one of %s, not %q" (join ", " $all) $extracted) }}
{{- end }}
{{- $phase := .Values.migration.phase | default "extracted" }}
{{- if eq $phase "extracting" }}
{{- /* the move under way: the monolith runs every module and takes every route until migrate moves them;
       the module's process runs beside it on its own database (a replica until switch-writes) */ -}}
{{- range $all }}{{ $_ := set $where . "monolith" }}{{ end }}
{{- $processes = append $processes (dict "name" "monolith" "modules" "" "runs" $all "database" true "kafka" true "internalToken" true "entry" false "extracting" $extracted "logical" true) }}
{{- $processes = append $processes (dict "name" $extracted "modules" $extracted "runs" (list $extracted) "database" true "kafka" true "internalToken" true "entry" false "logical" true) }}
{{- else if eq $phase "extracted" }}
{{- $rest := without $all $extracted }}
{{- range $rest }}{{ $_ := set $where . "monolith" }}{{ end }}
{{- $_ := set $where $extracted $extracted }}
{{- /* logical still: the replication back runs until migrate complete ends, after this upgrade (and
       changing wal_level restarts PostgreSQL, which refuses to start below logical with a logical slot) */ -}}
{{- $processes = append $processes (dict "name" "monolith" "modules" (join "," $rest) "runs" $rest "database" true "kafka" true "internalToken" true "entry" false "logical" true) }}
{{- $processes = append $processes (dict "name" $extracted "modules" $extracted "runs" (list $extracted) "database" true "kafka" true "internalToken" true "entry" false "logical" true) }}
{{- else }}
{{- fail (printf "migration.phase must be extracting or extracted, not %q" $phase) }}
{{- end }}
{{- else }}
{{- fail (printf "topology must be monolith, microservices or migration, not %q" .Values.topology) }}
{{- end }}
{{- $result := list }}
{{- range $processes }}
{{- $p := . }}
{{- $remote := dict }}
{{- range $p.runs }}
{{- range (get $graph .) }}
{{- if and (not (has . $p.runs)) }}{{ $_ := set $remote . (get $where .) }}{{ end }}
{{- end }}
{{- end }}
{{- $result = append $result (merge (dict "remote" $remote "router" false) $p) }}
{{- end }}
{{- if ne .Values.topology "monolith" }}
{{- /* reaches: the processes the router may be sent to at run time besides those of its table (the
       module being extracted, once migrate start adds it) */ -}}
{{- $reaches := list }}
{{- if and (eq .Values.topology "migration") (eq (.Values.migration.phase | default "extracted") "extracting") }}{{ $reaches = list .Values.migration.extracted }}{{ end }}
{{- $result = append $result (dict "name" "router" "modules" "router" "runs" (list) "remote" $where "reaches" $reaches "database" false "kafka" false "internalToken" false "entry" true "router" true) }}
{{- end }}
processes:
{{ toYaml $result | indent 2 }}
{{- end }}

{{/* One process's settings: processDefaults merged with processes.<name>. */}}
{{- define "microposts.settings" -}}
{{- $own := get .root.Values.processes .name | default dict }}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.processDefaults) (deepCopy $own)) }}
{{- end }}
