"""Serves an H.264 MP4 over RTSP (TCP and UDP) on 127.0.0.1 for the live-source tests.

Usage: /usr/bin/python3 rtsp_server.py FILE PORT PATH   (PATH without the leading slash)
Prints "ready" once listening; every client gets the file from its start, paced in real time.
Needs: gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-{base,good,bad}.
"""
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

path, port, mount = sys.argv[1], sys.argv[2], sys.argv[3]
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
location = path.replace('\\', '\\\\').replace('"', '\\"')
factory.set_launch(f'( filesrc location="{location}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )')
server.get_mount_points().add_factory('/' + mount, factory)
if server.attach(None) == 0:
    sys.exit(f'cannot listen on 127.0.0.1:{port}')
print('ready', flush=True)
GLib.MainLoop().run()
