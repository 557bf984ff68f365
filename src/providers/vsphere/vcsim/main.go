// vcsim for opsdesk's tests: VMware's vCenter simulator (govmomi's simulator package) behind the
// few flags opsdesk uses. From govmomi v0.47 on, the vcsim command is a separate module that
// `go install` cannot fetch, so this small main builds the simulator of a pinned govmomi instead.
// It adds nothing to what vCenter's API offers: events, alarms (AlarmManager), fault-free tasks
// and task failures all come from the simulator itself. Only -task-delay is a test knob: it keeps
// a task of the named kind running for a while (vcsim's TaskDelay), so a test can change the
// inventory while a task runs, as an administrator of a real vCenter might.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	listen := flag.String("l", "127.0.0.1:8989", "listen address (port 0: the kernel picks one)")
	stdinExit := flag.Bool("stdinexit", false, "exit when standard input closes")
	certFile := flag.String("tlscert", "", "TLS certificate file (PEM)")
	keyFile := flag.String("tlskey", "", "TLS key file (PEM)")
	clusterHosts := flag.Int("host", 3, "hosts per cluster")
	standalone := flag.Int("standalone-host", 1, "standalone hosts")
	vms := flag.Int("vm", 2, "VMs per resource pool")
	taskDelay := flag.String("task-delay", "", "keep tasks of these kinds running this long: 'CloneVm:3000,PowerOn:500' (ms, by vCenter's task name)")
	flag.Parse()

	model := simulator.VPX()
	model.ClusterHost = *clusterHosts
	model.Host = *standalone
	model.Machine = *vms
	defer model.Remove()
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}

	if *taskDelay != "" {
		// The simulator holds the entity's lock while a task is handed off; with a delay the
		// PropertyCollector could not read meanwhile, so the hand-off lock is released (LockHandoff: 0).
		delays := map[string]int{"LockHandoff": 0}
		for _, part := range strings.Split(*taskDelay, ",") {
			name, ms, ok := strings.Cut(part, ":")
			n, err := strconv.Atoi(ms)
			if !ok || err != nil {
				log.Fatalf("-task-delay: %q is not kind:milliseconds", part)
			}
			delays[name] = n
		}
		simulator.TaskDelay.MethodDelay = delays
	}

	model.Service.Listen = &url.URL{Host: *listen}
	model.Service.TLS = new(tls.Config)
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			log.Fatal(err)
		}
		model.Service.TLS.Certificates = []tls.Certificate{cert}
	}
	server := model.Service.NewServer()
	defer server.Close()

	fmt.Printf("export GOVC_URL=%s GOVC_SIM_PID=%d\n", server.URL, os.Getpid())

	done := make(chan os.Signal, 1)
	signal.Notify(done, syscall.SIGINT, syscall.SIGTERM)
	if *stdinExit {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			done <- syscall.SIGTERM
		}()
	}
	<-done
}
