"""Packet captures (pcap, pcapng): read packet by packet, summed up per host pair.

dpkt parses the files and the headers; the file is streamed, never held whole.
"""
