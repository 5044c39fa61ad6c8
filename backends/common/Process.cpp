//===- Process.cpp - child processes and clean interruption ---------------===//
#include "backends/common/Process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <ftw.h>
#include <map>
#include <mutex>
#include <set>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace ariadne {

namespace {

/// What the watcher thread acts on, under one mutex: a child is spawned and
/// registered while the mutex is held, so an interruption never misses it;
/// a critical section (a commit's renames) holds it too, so an interruption
/// waits for it. Recursive: registrations happen inside critical sections.
struct Registry {
  std::recursive_mutex mutex;
  /// Trees to remove, and directories to remove only while empty.
  std::map<int, std::pair<std::string, bool>> paths;
  int nextHandle = 1;
  std::set<pid_t> groups;
  /// TMPDIR for children (setChildTempDirectory), or empty.
  std::string childTemp;
  bool installed = false;
};

Registry &registry() {
  static Registry *r = new Registry; // never destroyed: the watcher uses it
  return *r;
}

const int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

sigset_t interruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : kSignals)
    sigaddset(&set, s);
  return set;
}

void writeStderr(const std::string &text) {
  ssize_t ignored = ::write(2, text.data(), text.size());
  (void)ignored;
}

/// The handler's pipe to the watcher thread.
int signalPipe[2] = {-1, -1};

/// Runs on whichever thread the kernel picked (libraries such as OpenBLAS
/// start threads before main, so blocking the signals cannot route them):
/// hands the signal to the watcher, which is async-signal-safe.
void onSignal(int sig) {
  unsigned char byte = static_cast<unsigned char>(sig);
  ssize_t ignored = ::write(signalPipe[1], &byte, 1);
  (void)ignored;
}

[[noreturn]] void watch() {
  unsigned char byte = 0;
  while (::read(signalPipe[0], &byte, 1) != 1) {
  }
  int sig = byte;
  Registry &r = registry();
  r.mutex.lock(); // held until _exit: nothing new starts
  for (pid_t group : r.groups)
    ::kill(-group, SIGTERM);
  if (!r.groups.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (pid_t group : r.groups)
      ::kill(-group, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The main thread may still write into a staging directory until the
  // process ends: remove until everything stayed gone twice in a row (at
  // most about a second). Trees first, then the directories made on the way
  // to them, deepest first, and only while empty.
  int clean = 0;
  for (int attempt = 0; attempt < 50 && clean < 2; ++attempt) {
    bool gone = true;
    for (const auto &[handle, entry] : r.paths)
      if (entry.second)
        gone &= removeTree(entry.first);
    for (auto it = r.paths.rbegin(); it != r.paths.rend(); ++it)
      if (!it->second.second)
        ::rmdir(it->second.first.c_str());
    clean = gone ? clean + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const char *name = sig == SIGINT    ? "SIGINT"
                     : sig == SIGTERM ? "SIGTERM"
                                      : "SIGHUP";
  writeStderr(std::string("ariadnec: interrupted by ") + name + "\n");
  ::_exit(128 + sig);
}

int removeEntry(const char *path, const struct stat *, int type, struct FTW *) {
  // Keep going past a failure: removeTree checks the result at the end.
  if (type == FTW_DP)
    ::rmdir(path);
  else
    ::unlink(path);
  return 0;
}

} // namespace

void CleanupOnSignal::install() {
  Registry &r = registry();
  std::lock_guard<std::recursive_mutex> lock(r.mutex);
  if (r.installed)
    return;
  if (::pipe2(signalPipe, O_CLOEXEC) != 0)
    return;
  std::thread(watch).detach();
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int s : kSignals) {
    // A signal the caller ignores (nohup, a background job of a script)
    // stays ignored.
    struct sigaction current;
    if (::sigaction(s, nullptr, &current) == 0 && current.sa_handler == SIG_IGN)
      continue;
    ::sigaction(s, &action, nullptr);
  }
  r.installed = true;
}

int CleanupOnSignal::add(const std::string &path) {
  Registry &r = registry();
  std::lock_guard<std::recursive_mutex> lock(r.mutex);
  int handle = r.nextHandle++;
  r.paths[handle] = {path, true};
  return handle;
}

int CleanupOnSignal::addEmptyDirectory(const std::string &path) {
  Registry &r = registry();
  std::lock_guard<std::recursive_mutex> lock(r.mutex);
  int handle = r.nextHandle++;
  r.paths[handle] = {path, false};
  return handle;
}

void CleanupOnSignal::release(int handle) {
  Registry &r = registry();
  std::lock_guard<std::recursive_mutex> lock(r.mutex);
  r.paths.erase(handle);
}

CleanupOnSignal::CriticalSection::CriticalSection() { registry().mutex.lock(); }

CleanupOnSignal::CriticalSection::~CriticalSection() {
  registry().mutex.unlock();
}

void setChildTempDirectory(const std::string &path) {
  Registry &r = registry();
  std::lock_guard<std::recursive_mutex> lock(r.mutex);
  r.childTemp = path;
}

std::string childTempDirectory() {
  Registry &r = registry();
  std::lock_guard<std::recursive_mutex> lock(r.mutex);
  return r.childTemp;
}

bool removeTree(const std::string &path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return errno == ENOENT;
  if (S_ISDIR(st.st_mode))
    ::nftw(path.c_str(), removeEntry, 16, FTW_DEPTH | FTW_PHYS);
  else
    ::unlink(path.c_str());
  return ::lstat(path.c_str(), &st) != 0 && errno == ENOENT;
}

std::string findProgram(const std::string &program) {
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
  const char *path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = end + 1;
  }
  return {};
}

std::string ProcessResult::describe() const {
  if (!started)
    return error;
  if (signal)
    return "killed by signal " + std::to_string(signal);
  return "exit " + std::to_string(exitCode);
}

ProcessResult runProcess(const std::vector<std::string> &argv,
                         const std::string &log, const std::string &cwd) {
  ProcessResult result;
  if (argv.empty()) {
    result.error = "no program given";
    return result;
  }
  std::string program = findProgram(argv[0]);
  if (program.empty()) {
    result.error = "'" + argv[0] + "' not found on PATH";
    return result;
  }
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  // The environment, with TMPDIR replaced where a scratch directory holds
  // the children's temporary files.
  std::string tmp = childTempDirectory(), tmpEntry = "TMPDIR=" + tmp;
  std::vector<char *> env;
  for (char **e = environ; *e; ++e)
    if (tmp.empty() || std::strncmp(*e, "TMPDIR=", 7) != 0)
      env.push_back(*e);
  if (!tmp.empty())
    env.push_back(const_cast<char *>(tmpEntry.c_str()));
  env.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!log.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  if (!cwd.empty())
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group; the signals ariadnec blocks are unblocked and
  // at their defaults in the child.
  sigset_t empty, defaults = interruptSignals();
  sigemptyset(&empty);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);

  Registry &r = registry();
  pid_t pid = 0;
  int rc;
  {
    std::lock_guard<std::recursive_mutex> lock(r.mutex);
    rc = posix_spawn(&pid, program.c_str(), &actions, &attr, args.data(),
                     env.data());
    if (rc == 0)
      r.groups.insert(pid);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    result.error = "cannot start '" + argv[0] + "': " + std::strerror(rc);
    return result;
  }
  result.started = true;
  int status = 0;
  pid_t waited;
  while ((waited = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  int waitError = waited < 0 ? errno : 0;
  {
    std::lock_guard<std::recursive_mutex> lock(r.mutex);
    r.groups.erase(pid);
  }
  if (waitError) {
    // Its status is unknown (SIGCHLD ignored by the caller, say): not a
    // success.
    result.started = false;
    result.error =
        "cannot wait for '" + argv[0] + "': " + std::strerror(waitError);
    return result;
  }
  if (WIFSIGNALED(status))
    result.signal = WTERMSIG(status);
  else
    result.exitCode = WEXITSTATUS(status);
  return result;
}

} // namespace ariadne
