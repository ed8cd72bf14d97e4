// Command go-drain is the bench's native reference row: Google's generated Go client
// (cloud.google.com/go/bigquery/storage/apiv1 over grpc-go) creates one Arrow session and reads
// every stream at once, one goroutine each, counting the responses' row_count and the
// serialized_record_batch bytes without decoding them. It prints one JSON line shaped like
// bench/reader-child.ts's ChildReport. Built by bench/go-drain/build.ts (GOPATH mode, offline,
// against Debian's golang-google-cloud-dev).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	storage "cloud.google.com/go/bigquery/storage/apiv1"
	"google.golang.org/api/option"
	storagepb "google.golang.org/genproto/googleapis/cloud/bigquery/storage/v1"
	"google.golang.org/grpc"
)

type report struct {
	Reader           string             `json:"reader"`
	Workers          int                `json:"workers"`
	Compression      string             `json:"compression"`
	Streams          int                `json:"streams"`
	WallMs           float64            `json:"wallMs"`
	SessionMs        float64            `json:"sessionMs"`
	ReadMs           float64            `json:"readMs"`
	Rows             int64              `json:"rows"`
	ArrowBytes       int64              `json:"arrowBytes"`
	BaselineRssBytes int64              `json:"baselineRssBytes"`
	PeakRssBytes     int64              `json:"peakRssBytes"`
	CPUMs            float64            `json:"cpuMs"`
	SystemCPUMs      float64            `json:"systemCpuMs"`
	Extra            map[string]float64 `json:"extra"`
}

type drained struct {
	rows, bytes, responses int64
	err                    error
}

// drain reads one stream to its end.
func drain(ctx context.Context, client *storage.BigQueryReadClient, stream string) (d drained) {
	rows, err := client.ReadRows(ctx, &storagepb.ReadRowsRequest{ReadStream: stream})
	if err != nil {
		d.err = err
		return
	}
	for {
		response, err := rows.Recv()
		if err == io.EOF {
			return
		}
		if err != nil {
			d.err = fmt.Errorf("%s: %w", stream, err)
			return
		}
		d.rows += response.GetRowCount()
		d.bytes += int64(len(response.GetArrowRecordBatch().GetSerializedRecordBatch()))
		d.responses++
	}
}

// tablePath turns project.dataset.table (the project may hold dots) into the API's resource names.
func tablePath(ref string) (parent, table string, err error) {
	last := strings.LastIndex(ref, ".")
	mid := -1
	if last > 0 {
		mid = strings.LastIndex(ref[:last], ".")
	}
	if mid <= 0 || mid+1 == last || last == len(ref)-1 {
		return "", "", fmt.Errorf("--table must be project.dataset.table (got %q)", ref)
	}
	parent = "projects/" + ref[:mid]
	return parent, fmt.Sprintf("%s/datasets/%s/tables/%s", parent, ref[mid+1:last], ref[last+1:]), nil
}

var statusLine = regexp.MustCompile(`(?m)^(VmRSS|VmHWM):\s+(\d+) kB$`)

// memory reads VmRSS and VmHWM from /proc (not ru_maxrss, which Linux carries across exec).
func memory() (rss, peak int64) {
	text, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, m := range statusLine.FindAllStringSubmatch(string(text), -1) {
		kb, _ := strconv.ParseInt(m[2], 10, 64)
		if m[1] == "VmRSS" {
			rss = kb * 1024
		} else {
			peak = kb * 1024
		}
	}
	return rss, peak
}

func cpuMs() (total, system float64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	ms := func(t syscall.Timeval) float64 { return float64(t.Nano()) / 1e6 }
	return ms(ru.Utime) + ms(ru.Stime), ms(ru.Stime)
}

func run() error {
	endpoint := flag.String("endpoint", "", "the emulator, host:port")
	tableRef := flag.String("table", "", "project.dataset.table")
	maxStreams := flag.Int("max-streams", 0, "the session's max_stream_count")
	flag.Parse()
	if *endpoint == "" || *tableRef == "" {
		return fmt.Errorf("--endpoint and --table are required")
	}
	parent, table, err := tablePath(*tableRef)
	if err != nil {
		return err
	}
	// Under the bench, stdin is a pipe from it: exit when it closes, as exit-with-parent.ts does.
	if info, err := os.Stdin.Stat(); err == nil && info.Mode()&os.ModeNamedPipe != 0 {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			os.Exit(70)
		}()
	}
	runtime.GC()
	baselineRss, _ := memory()
	cpuBefore, systemBefore := cpuMs()
	ctx := context.Background()

	started := time.Now()
	client, err := storage.NewBigQueryReadClient(ctx,
		option.WithEndpoint(*endpoint),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithInsecure()))
	if err != nil {
		return err
	}
	defer client.Close()
	session, err := client.CreateReadSession(ctx, &storagepb.CreateReadSessionRequest{
		Parent:         parent,
		ReadSession:    &storagepb.ReadSession{Table: table, DataFormat: storagepb.DataFormat_ARROW},
		MaxStreamCount: int32(*maxStreams),
	})
	if err != nil {
		return err
	}
	sessionMs := float64(time.Since(started).Microseconds()) / 1000
	results := make([]drained, len(session.GetStreams()))
	var wg sync.WaitGroup
	for i, stream := range session.GetStreams() {
		wg.Add(1)
		go func(i int, name string) {
			defer wg.Done()
			results[i] = drain(ctx, client, name)
		}(i, stream.GetName())
	}
	wg.Wait()
	wallMs := float64(time.Since(started).Microseconds()) / 1000
	cpuAfter, systemAfter := cpuMs()
	_, peakRss := memory()

	var rows, bytes, responses int64
	for _, d := range results {
		if d.err != nil {
			return d.err
		}
		rows, bytes, responses = rows+d.rows, bytes+d.bytes, responses+d.responses
	}
	return json.NewEncoder(os.Stdout).Encode(report{
		Reader:           "go-drain",
		Workers:          runtime.GOMAXPROCS(0),
		Compression:      "none",
		Streams:          len(session.GetStreams()),
		WallMs:           wallMs,
		SessionMs:        sessionMs,
		ReadMs:           wallMs - sessionMs,
		Rows:             rows,
		ArrowBytes:       bytes,
		BaselineRssBytes: baselineRss,
		PeakRssBytes:     peakRss,
		CPUMs:            cpuAfter - cpuBefore,
		SystemCPUMs:      systemAfter - systemBefore,
		Extra:            map[string]float64{"responses": float64(responses)},
	})
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "go-drain: %v\n", err)
		os.Exit(1)
	}
}
